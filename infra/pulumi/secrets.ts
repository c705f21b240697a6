import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { PLATFORM_NAMES } from './platform-contract';
import type { StackSecrets } from './stack-config';

export interface SecretPlan {
  readonly namespace: string;
  readonly name: string;
  readonly type?: string;
  readonly stringData: Readonly<Record<string, pulumi.Output<string>>>;
}

export interface PlatformSecretsArgs {
  readonly provider: k8s.Provider;
  readonly secrets: StackSecrets;
  /** UAG_REDIS_URL (a secret: it carries the AUTH token); `undefined` leaves the gateway on in-process buckets. */
  readonly redisUrl: pulumi.Output<string> | undefined;
  /** TLS Secret name the environment's ingress Gateway serves. */
  readonly tlsSecretName: string;
}

/** Every Kubernetes Secret the platform's manifests reference, from the stack's secrets. */
export function secretPlans(args: Omit<PlatformSecretsArgs, 'provider'>): SecretPlan[] {
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

/**
 * Kubernetes Secrets created from stack secrets: Alertmanager receivers, Grafana's admin
 * password, the ingress certificate and the gateway's environment (UAG_REDIS_URL,
 * UAG_JWT_PUBLIC_KEY). Every value stays a Pulumi secret, so it is encrypted in the state and
 * never written to charts-out/ or the repository.
 */
export class PlatformSecrets extends pulumi.ComponentResource {
  readonly secrets: k8s.core.v1.Secret[];

  constructor(name: string, args: PlatformSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('uag:cloud:PlatformSecrets', name, {}, opts);
    this.secrets = secretPlans(args).map(
      (plan) =>
        new k8s.core.v1.Secret(
          `${name}-${plan.namespace}-${plan.name}`,
          {
            metadata: { name: plan.name, namespace: plan.namespace, labels: { 'app.kubernetes.io/managed-by': 'pulumi' } },
            type: plan.type ?? 'Opaque',
            // The Kubernetes SDK registers stringData as a secret as a whole, so it is encrypted in the state.
            stringData: plan.stringData,
          },
          // Resource options are not inherited: each Secret waits for what the component was told to wait for.
          { parent: this, provider: args.provider, dependsOn: opts?.dependsOn },
        ),
    );
    this.registerOutputs({});
  }
}
