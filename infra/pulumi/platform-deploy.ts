import { DestinationRule } from '@kubernetes-models/istio/networking.istio.io/v1beta1/DestinationRule';
import { VirtualService } from '@kubernetes-models/istio/networking.istio.io/v1beta1/VirtualService';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { PLATFORM_NAMES, type KubernetesObject } from './platform-contract';
import { PlatformSecrets, type PlatformSecretsArgs } from './secrets';

/** Workload kinds the gateway may be rendered as (a Rollout once progressive delivery is on). */
const GATEWAY_WORKLOAD_KINDS = new Set(['Deployment', 'Rollout']);

export interface PlatformDeployArgs {
  readonly provider: k8s.Provider;
  /** The rendered platform, with the gateway's immutable image reference in it: known when the program runs, so a preview shows the real diff. */
  readonly objects: readonly KubernetesObject[];
  /** What the objects must be applied after: releases serving the CRDs, webhooks and sidecar injection they rely on, the pushed image, the storage class. */
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

/**
 * An object whose fields Argo Rollouts changes while a rollout runs (README, "Applying charts-out/
 * during a rollout"), with the paths Pulumi leaves to the controller.
 */
export interface ControllerSharedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly ignoreChanges: readonly string[];
}

/**
 * The canary's weights on each route of the VirtualService and the pod-template-hash labels of the
 * DestinationRule subsets. The provider drops these paths from its diff against the live object
 * (pulumi-kubernetes provider/pkg/provider/provider.go Diff, wildcards through
 * PropertyPath.Contains), so a deploy that changes nothing else about these two objects leaves a
 * running rollout alone, `--refresh` or not. It cannot drop a path inside a list from its
 * server-side apply (provider/pkg/await/await.go handleSSAIgnoreFields), so a deploy that does
 * change them mid-rollout meets a field-manager conflict: README, "Applying charts-out/ during a
 * rollout".
 */
export const ROLLOUT_CONTROLLED = {
  virtualService: { apiVersion: VirtualService.apiVersion, kind: VirtualService.kind, ignoreChanges: ['spec.http[*].route[*].weight'] },
  destinationRule: { apiVersion: DestinationRule.apiVersion, kind: DestinationRule.kind, ignoreChanges: ['spec.subsets[*].labels'] },
} as const satisfies Record<string, ControllerSharedObject>;
type RolloutControlledKey = keyof typeof ROLLOUT_CONTROLLED;

interface IstioTrafficRouting {
  readonly virtualService?: { readonly name: string };
  readonly destinationRule?: { readonly name: string };
}

/** The platform split into what is applied in which way. */
export interface PlatformParts {
  /** Applied first: the Secrets go into them. */
  readonly namespaces: KubernetesObject[];
  /** The objects the gateway Rollout's Istio traffic routing names; each applied on its own with ROLLOUT_CONTROLLED's ignoreChanges. */
  readonly rolloutControlled: Partial<Record<RolloutControlledKey, KubernetesObject>>;
  readonly rest: KubernetesObject[];
}

/** Splits the objects; fails when the Rollout names a routing object that is missing or of another API version than ROLLOUT_CONTROLLED expects. */
export function partitionPlatform(objects: readonly KubernetesObject[]): PlatformParts {
  const { namespaces, gateway } = PLATFORM_NAMES;
  const rollout = objects.find((object) => object.kind === 'Rollout' && object.metadata.name === gateway.deployment && object.metadata.namespace === namespaces.gateway);
  const routing = (rollout?.spec as { strategy?: { canary?: { trafficRouting?: { istio?: IstioTrafficRouting } } } } | undefined)?.strategy?.canary?.trafficRouting?.istio;
  const named: Partial<Record<RolloutControlledKey, string>> = { virtualService: routing?.virtualService?.name, destinationRule: routing?.destinationRule?.name };
  const rolloutControlled: Partial<Record<RolloutControlledKey, KubernetesObject>> = {};
  for (const key of Object.keys(ROLLOUT_CONTROLLED) as RolloutControlledKey[]) {
    const name = named[key];
    if (name === undefined) continue;
    const { kind, apiVersion } = ROLLOUT_CONTROLLED[key];
    const found = objects.find((object) => object.kind === kind && object.metadata.name === name && object.metadata.namespace === namespaces.gateway);
    if (found === undefined || found.apiVersion !== apiVersion) {
      throw new Error(
        `PlatformDeploy: the gateway Rollout routes through ${kind} ${namespaces.gateway}/${name}, but the platform has ${found === undefined ? 'no such object' : `it as ${found.apiVersion}`}; ` +
          `ROLLOUT_CONTROLLED expects ${apiVersion}`,
      );
    }
    rolloutControlled[key] = found;
  }
  const separate = new Set<KubernetesObject>(Object.values(rolloutControlled));
  return {
    namespaces: objects.filter((object) => object.kind === 'Namespace'),
    rolloutControlled,
    rest: objects.filter((object) => object.kind !== 'Namespace' && !separate.has(object)),
  };
}

/**
 * Applies the synthesized platform through the cluster's provider in three steps: its namespaces,
 * the Secrets its objects reference, then every other object once its prerequisites are there.
 * The VirtualService and DestinationRule Argo Rollouts drives are applied as resources of their
 * own, so their controller-owned fields can be left alone (ROLLOUT_CONTROLLED); a ConfigGroup
 * would need `transforms` for that, which Pulumi's mock engine cannot run, so it could not be tested.
 * A blue-green Rollout routes no traffic through them: then they stay in the ConfigGroup.
 */
export class PlatformDeploy extends pulumi.ComponentResource {
  readonly namespaces: k8s.yaml.v2.ConfigGroup;
  readonly secrets: PlatformSecrets;
  readonly objects: k8s.yaml.v2.ConfigGroup;
  readonly rolloutControlled: k8s.apiextensions.CustomResource[];

  constructor(name: string, args: PlatformDeployArgs, opts?: pulumi.ComponentResourceOptions) {
    super('uag:cloud:PlatformDeploy', name, {}, opts);
    const parts = partitionPlatform(withGatewayEnvironment(args.objects));
    const resourceOptions = { parent: this, provider: args.provider };
    this.namespaces = new k8s.yaml.v2.ConfigGroup(`${name}-namespaces`, { objs: parts.namespaces }, resourceOptions);
    this.secrets = new PlatformSecrets(`${name}-secrets`, { ...args.secrets, provider: args.provider }, { parent: this, dependsOn: [this.namespaces, ...args.prerequisites] });
    const after = [this.namespaces, this.secrets, ...args.prerequisites];
    this.objects = new k8s.yaml.v2.ConfigGroup(`${name}-objects`, { objs: parts.rest }, { ...resourceOptions, dependsOn: after });
    this.rolloutControlled = (Object.keys(parts.rolloutControlled) as RolloutControlledKey[]).map((key) => {
      const { apiVersion, kind, metadata, ...body } = parts.rolloutControlled[key] as KubernetesObject;
      return new k8s.apiextensions.CustomResource(`${name}-${kind.toLowerCase()}-${metadata.name}`, { apiVersion, kind, metadata, ...body }, {
        ...resourceOptions,
        dependsOn: after,
        ignoreChanges: [...ROLLOUT_CONTROLLED[key].ignoreChanges],
      });
    });
    this.registerOutputs({});
  }
}
