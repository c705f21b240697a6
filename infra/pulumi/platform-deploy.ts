import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { PLATFORM_NAMES, type KubernetesObject } from './platform-contract';
import { PlatformSecrets, type PlatformSecretsArgs } from './secrets';

/** Workload kinds the gateway may be rendered as (a Rollout once progressive delivery is on). */
const GATEWAY_WORKLOAD_KINDS = new Set(['Deployment', 'Rollout']);

export interface PlatformDeployArgs {
  readonly provider: k8s.Provider;
  /** The rendered platform, with the pushed image digest in it. */
  readonly objects: pulumi.Output<KubernetesObject[]>;
  /** Releases serving the CRDs, webhooks and sidecar injection the objects rely on. */
  readonly prerequisites: readonly pulumi.Resource[];
  readonly secrets: Omit<PlatformSecretsArgs, 'provider'>;
}

interface Container {
  readonly name: string;
  readonly envFrom?: readonly unknown[];
  readonly [field: string]: unknown;
}

/**
 * Adds the Pulumi-created `gateway-environment` Secret to the gateway container's `envFrom`: the
 * synthesized manifests carry no secret values, and this is how UAG_REDIS_URL and
 * UAG_JWT_PUBLIC_KEY reach the process. Fails when the gateway workload is not in the objects.
 */
export function withGatewayEnvironment(objects: readonly KubernetesObject[]): KubernetesObject[] {
  const { namespaces, gateway, secrets } = PLATFORM_NAMES;
  let patched = 0;
  const result = objects.map((object) => {
    if (!GATEWAY_WORKLOAD_KINDS.has(object.kind) || object.metadata.name !== gateway.deployment || object.metadata.namespace !== namespaces.gateway) return object;
    const spec = object.spec as { template: { spec: { containers: Container[] } } };
    const containers = spec.template.spec.containers.map((container) => {
      if (container.name !== gateway.container) return container;
      patched += 1;
      return { ...container, envFrom: [...(container.envFrom ?? []), { secretRef: { name: secrets.gatewayEnvironment } }] };
    });
    return { ...object, spec: { ...spec, template: { ...spec.template, spec: { ...spec.template.spec, containers } } } };
  });
  if (patched !== 1) {
    throw new Error(`PlatformDeploy: expected one '${gateway.container}' container in ${namespaces.gateway}/${gateway.deployment}, found ${patched}; the gateway would start without its Secret`);
  }
  return result;
}

/** Namespaces first (the Secrets go into them), then everything else. */
export function partitionNamespaces(objects: readonly KubernetesObject[]): { namespaces: KubernetesObject[]; rest: KubernetesObject[] } {
  return { namespaces: objects.filter((object) => object.kind === 'Namespace'), rest: objects.filter((object) => object.kind !== 'Namespace') };
}

/**
 * Applies the synthesized platform through the cluster's provider in three steps: its namespaces,
 * the Secrets its objects reference, then every other object once the operators serving their
 * CRDs and webhooks are installed.
 */
export class PlatformDeploy extends pulumi.ComponentResource {
  readonly namespaces: k8s.yaml.v2.ConfigGroup;
  readonly secrets: PlatformSecrets;
  readonly objects: k8s.yaml.v2.ConfigGroup;

  constructor(name: string, args: PlatformDeployArgs, opts?: pulumi.ComponentResourceOptions) {
    super('uag:cloud:PlatformDeploy', name, {}, opts);
    const parts = args.objects.apply((objects) => partitionNamespaces(withGatewayEnvironment(objects)));
    const resourceOptions = { parent: this, provider: args.provider };
    this.namespaces = new k8s.yaml.v2.ConfigGroup(`${name}-namespaces`, { objs: parts.namespaces }, resourceOptions);
    this.secrets = new PlatformSecrets(`${name}-secrets`, { ...args.secrets, provider: args.provider }, { parent: this, dependsOn: [this.namespaces, ...args.prerequisites] });
    this.objects = new k8s.yaml.v2.ConfigGroup(`${name}-objects`, { objs: parts.rest }, { ...resourceOptions, dependsOn: [this.namespaces, this.secrets, ...args.prerequisites] });
    this.registerOutputs({});
  }
}
