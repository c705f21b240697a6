import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { CrdObject } from '../crd-models';
import { clusterSecretStore, externalSecret } from './external-secrets';
import { PLATFORM_NAMES } from './platform-contract';
import type { StackSecrets } from './stack-config';
import { alsoDependingOn } from './iam';

export interface SecretPlan {
  readonly namespace: string;
  readonly name: string;
  readonly type?: string;
  readonly stringData: Readonly<Record<string, pulumi.Output<string>>>;
}

/**
 * How the values reach the cluster.
 * - `kubernetes-secrets` (the local stack, which has no AWS): Pulumi writes them into Secrets itself.
 * - `external-secrets` (AWS stacks): they are Secrets Manager entries (external-secrets.ts);
 *   Pulumi writes a ClusterSecretStore and one ExternalSecret per Secret, which name entries but hold
 *   no value, and External Secrets Operator creates the Secrets from the entries.
 */
export type SecretDelivery =
  | { readonly kind: 'kubernetes-secrets' }
  | {
      readonly kind: 'external-secrets';
      readonly region: string;
      /** The stack's prefix in Secrets Manager. */
      readonly prefix: string;
      /** The operator's release: CRDs and webhook first. */
      readonly operator: pulumi.Resource;
      /** The entries' values, which must exist before the controller reads them. */
      readonly entries: readonly pulumi.Resource[];
    };

export interface PlatformSecretsArgs {
  readonly provider: k8s.Provider;
  readonly delivery: SecretDelivery;
  readonly secrets: StackSecrets;
  /** UAG_REDIS_URL (a secret: it carries the AUTH token); `undefined` leaves the gateway on in-process buckets. */
  readonly redisUrl: pulumi.Output<string> | undefined;
  /** TLS Secret name the environment's ingress Gateway serves. */
  readonly tlsSecretName: string;
}

/** Every Kubernetes Secret the platform's manifests reference, from the stack's secrets. */
export function secretPlans(args: Omit<PlatformSecretsArgs, 'provider' | 'delivery'>): SecretPlan[] {
  const { namespaces, secrets: names } = PLATFORM_NAMES;
  const { secrets } = args;
  const gatewayEnvironment: Record<string, pulumi.Output<string>> = {};
  if (args.redisUrl) gatewayEnvironment.UAG_REDIS_URL = args.redisUrl;
  if (secrets.jwtPublicKey) gatewayEnvironment.UAG_JWT_PUBLIC_KEY = secrets.jwtPublicKey;
  const plans: SecretPlan[] = [
    { namespace: namespaces.gateway, name: names.gatewayEnvironment, stringData: gatewayEnvironment },
    { namespace: namespaces.observability, name: names.grafanaAdmin.name, stringData: { [names.grafanaAdmin.key]: secrets.grafanaAdminPassword } },
  ];
  const receivers = secrets.alertReceivers;
  if (receivers) {
    plans.push(
      { namespace: namespaces.observability, name: names.pagerDuty.name, stringData: { [names.pagerDuty.key]: receivers.pagerDutyRoutingKey } },
      { namespace: namespaces.observability, name: names.chat.name, stringData: { [names.chat.key]: receivers.chatWebhookUrl } },
      { namespace: namespaces.observability, name: names.webhook.name, stringData: { [names.webhook.key]: receivers.webhookUrl } },
    );
  }
  if (secrets.tls) {
    plans.push({
      namespace: namespaces.istio,
      name: args.tlsSecretName,
      type: 'kubernetes.io/tls',
      stringData: { 'tls.crt': secrets.tls.certificate, 'tls.key': secrets.tls.privateKey },
    });
  }
  return plans;
}

/** `pulumi up` waits until the operator reports the object Ready (pulumi-kubernetes `pulumi.com/waitFor`, provider/pkg/metadata/overrides.go). */
function waitingForReady(object: CrdObject<unknown>): CrdObject<unknown> {
  return { ...object, metadata: { ...object.metadata, annotations: { ...object.metadata.annotations, 'pulumi.com/waitFor': 'condition=Ready' } } };
}

/**
 * The Kubernetes Secrets the platform's manifests reference: Alertmanager receivers, Grafana's
 * admin password, the local ingress certificate and the gateway's environment (UAG_REDIS_URL,
 * UAG_JWT_PUBLIC_KEY), delivered as `delivery` says. Either way every value stays a Pulumi secret
 * or an AWS secret, so it is encrypted in the state and never written to charts-out/ or the
 * repository. With External Secrets, `pulumi up` waits until the store can authenticate and every
 * Secret is synced, so the platform's pods start with their values.
 */
export class PlatformSecrets extends pulumi.ComponentResource {
  /** The Secrets, or the store and ExternalSecrets that produce them. */
  readonly resources: pulumi.CustomResource[];

  constructor(name: string, args: PlatformSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('uag:cloud:PlatformSecrets', name, {}, opts);
    const plans = secretPlans(args);
    // Resource options are not inherited: each child waits for what the component was told to wait for.
    const options = { parent: this, provider: args.provider, dependsOn: opts?.dependsOn };
    const { delivery } = args;
    if (delivery.kind === 'kubernetes-secrets') {
      this.resources = plans.map(
        (plan) =>
          new k8s.core.v1.Secret(
            `${name}-${plan.namespace}-${plan.name}`,
            {
              metadata: { name: plan.name, namespace: plan.namespace, labels: { 'app.kubernetes.io/managed-by': 'pulumi' } },
              type: plan.type ?? 'Opaque',
              // The Kubernetes SDK registers stringData as a secret as a whole, so it is encrypted in the state.
              stringData: plan.stringData,
            },
            options,
          ),
      );
    } else {
      const typed = plans.filter((plan) => plan.type !== undefined).map((plan) => `${plan.namespace}/${plan.name} (${plan.type})`);
      if (typed.length > 0) throw new Error(`PlatformSecrets: External Secrets creates Opaque Secrets only; ${typed.join(', ')} must come from elsewhere (cert-manager issues the AWS stacks' TLS Secret)`);
      const namespaces = [...new Set(plans.map((plan) => plan.namespace))].sort();
      const store = new k8s.apiextensions.CustomResource(`${name}-store`, waitingForReady(clusterSecretStore({ region: delivery.region, prefix: delivery.prefix, namespaces })), {
        ...options,
        dependsOn: alsoDependingOn(opts?.dependsOn, [delivery.operator]),
      });
      this.resources = [
        store,
        ...plans.map(
          (plan) =>
            new k8s.apiextensions.CustomResource(`${name}-${plan.namespace}-${plan.name}`, waitingForReady(externalSecret(plan)), {
              ...options,
              dependsOn: alsoDependingOn(opts?.dependsOn, [delivery.operator, store, ...delivery.entries]),
            }),
        ),
      ];
    }
    this.registerOutputs({});
  }
}
