import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { crdObject, type CrdObject } from '../crd-models';
import { EXTERNAL_SECRETS_NAMESPACE, MONITOR_SELECTOR } from '../k8s/platform-names';
import { CLUSTER_SECRET_STORE, EXTERNAL_SECRET, type ClusterSecretStoreSpec, type ExternalSecretSpec } from '../crd-models/external-secrets';
import type { PolicyDocument } from './iam';
import type { OperatorRelease } from './operators';
import { HELM_CHARTS } from './versions';

/**
 * The AWS stacks' application secrets live in AWS Secrets Manager; External Secrets Operator
 * (chart external-secrets 2.9.0, ESO v2.9.0; values checked against
 * deploy/charts/external-secrets/values.yaml and templates/ at tag helm-chart-2.9.0) copies them
 * into the Kubernetes Secrets the platform's manifests reference.
 *
 * Why ESO and not the Secrets Store CSI driver: the platform consumes its secrets as Kubernetes
 * Secrets (the gateway's `envFrom`, Grafana's admin password, Alertmanager's receiver keys read by
 * the operator), and the CSI driver only mounts files into the pods that name its volume; syncing
 * to a Secret is an optional extra that still needs a pod mounting the volume. The CSI driver also
 * runs a privileged DaemonSet with host mounts on every node, where ESO is one unprivileged
 * controller. Pulumi creates the entries from stack secrets and the controller's IAM role may read
 * exactly those entries; only a ClusterSecretStore (cluster-scoped, created by the program) can use
 * that role, and only from the platform's namespaces.
 */
export const EXTERNAL_SECRETS = {
  namespace: EXTERNAL_SECRETS_NAMESPACE,
  releaseName: 'external-secrets',
  /** The chart names its service account after the release unless set; set, so the Pod Identity association names it. */
  serviceAccount: 'external-secrets',
  storeName: 'aws-secrets-manager',
} as const;

/** Where a stack's entries live in Secrets Manager; the store reads only under it. */
export function secretsManagerPrefix(stack: string): string {
  return `uag/${stack}/`;
}

/** The entry of one Kubernetes Secret, below the stack's prefix: `<namespace>/<name>`. */
export function secretEntryKey(secret: { readonly namespace: string; readonly name: string }): string {
  return `${secret.namespace}/${secret.name}`;
}

/**
 * The controller's permissions: GetSecretValue on the stack's own entries and nothing else. For a
 * key read through `dataFrom.extract` that is the only call the provider makes
 * (providers/v1/aws/secretsmanager/secretsmanager.go at helm-chart-2.9.0, constructSecretValue;
 * DescribeSecret only for `metadataPolicy: Fetch`, ListSecrets and BatchGetSecretValue only for
 * `find`, which the program does not use).
 */
export function externalSecretsPolicy(entryArns: readonly pulumi.Input<string>[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: [...entryArns] }] };
}

const smallResources = (memory: string) => ({ requests: { cpu: '10m', memory }, limits: { memory: `${Number.parseInt(memory, 10) * 2}Mi` } });

/**
 * Chart values (values.yaml at helm-chart-2.9.0). Only the ClusterSecretStore and ExternalSecret
 * reconcilers run: a namespaced SecretStore without credentials of its own would act with the
 * controller's role, so anyone allowed to create one in any namespace could read the stack's
 * entries; PushSecrets would write to the provider; cluster-wide ExternalSecrets and generators are
 * not used (templates/deployment.yaml turns the `process*` reconcilers off with their
 * `--enable-*-reconciler=false` flags; `processClusterGenerator` removes the controller's access to
 * ClusterGenerators in templates/rbac.yaml). The liveness probes the chart leaves off are turned on
 * (the admission policies want them).
 */
export function externalSecretsValues(args: { readonly replicas: number }): Record<string, unknown> {
  const { replicas } = args;
  const budget = { podDisruptionBudget: { enabled: replicas > 1, minAvailable: 1 } };
  return {
    installCRDs: true,
    replicaCount: replicas,
    leaderElect: replicas > 1,
    ...budget,
    serviceAccount: { create: true, name: EXTERNAL_SECRETS.serviceAccount },
    processSecretStore: false,
    processPushSecret: false,
    // templates/_helpers.tpl (reconciler-sanity-test) refuses ClusterPushSecrets without PushSecrets.
    processClusterPushSecret: false,
    processClusterExternalSecret: false,
    processClusterGenerator: false,
    resources: smallResources('64Mi'),
    livenessProbe: { enabled: true },
    readinessProbe: { enabled: true },
    webhook: { replicaCount: replicas, ...budget, resources: smallResources('32Mi'), livenessProbe: { enabled: true } },
    certController: { resources: smallResources('64Mi'), livenessProbe: { enabled: true } },
    // templates/servicemonitor.yaml and service.yaml: with `serviceMonitor.enabled` the chart adds
    // the metrics Services (port `metrics`, 8080) of the controller, webhook and cert controller and
    // one ServiceMonitor each, labelled for the platform's Prometheus. `failIfMissing` instead of
    // the default `skipIfMissing` (templates/_helpers.tpl, shouldRenderServiceMonitor): without the
    // monitoring CRDs the install fails rather than silently leaving the sync alerts blind (the
    // release comes after them). `honorLabels` keeps each ExternalSecret's own `namespace` label,
    // which the target's namespace would otherwise rename to `exported_namespace`.
    serviceMonitor: { enabled: true, renderMode: 'failIfMissing', additionalLabels: { ...MONITOR_SELECTOR }, honorLabels: true },
  };
}

/** The operator's release; its webhook checks ESO's own objects only, so nothing but the store and the ExternalSecrets waits for it. */
export function externalSecretsRelease(args: { readonly replicas: number; readonly grants: readonly pulumi.Resource[] }): OperatorRelease {
  return {
    key: 'externalSecrets',
    releaseName: EXTERNAL_SECRETS.releaseName,
    namespace: EXTERNAL_SECRETS.namespace,
    chart: HELM_CHARTS.externalSecrets,
    values: externalSecretsValues(args),
    // Its chart's ServiceMonitors need the monitoring CRDs.
    after: ['prometheusOperatorCrds'],
    platformPrerequisite: false,
    dependsOn: args.grants,
  };
}

/** The store: Secrets Manager in the stack's region, under the stack's prefix, for the platform's namespaces only. */
export function clusterSecretStore(args: { readonly region: string; readonly prefix: string; readonly namespaces: readonly string[] }): CrdObject<ClusterSecretStoreSpec> {
  return crdObject(CLUSTER_SECRET_STORE, {
    metadata: { name: EXTERNAL_SECRETS.storeName },
    spec: {
      // No `auth`: the controller's own credentials, which EKS Pod Identity gives its service account.
      provider: { aws: { service: 'SecretsManager', region: args.region, prefix: args.prefix } },
      conditions: [{ namespaces: [...args.namespaces] }],
    },
  });
}

/**
 * The Kubernetes Secret `namespace/name`, kept equal to its entry's JSON keys. `Owner` lets the
 * controller create it and delete it with the ExternalSecret; `Merge` keeps it when the entry is
 * an empty object (the gateway's environment without Redis or a JWT key): with `Retain` the
 * controller would create no Secret at all for empty data, and the gateway's `envFrom` would keep
 * its pods from starting (pkg/controllers/externalsecret/externalsecret_controller.go at
 * helm-chart-2.9.0).
 */
export function externalSecret(secret: { readonly namespace: string; readonly name: string }): CrdObject<ExternalSecretSpec> {
  return crdObject(EXTERNAL_SECRET, {
    metadata: { name: secret.name, namespace: secret.namespace },
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { kind: 'ClusterSecretStore', name: EXTERNAL_SECRETS.storeName },
      target: { name: secret.name, creationPolicy: 'Owner', deletionPolicy: 'Merge' },
      // decodingStrategy None: values are used as stored (a PEM key, a URL), never base64-decoded.
      dataFrom: [{ extract: { key: secretEntryKey(secret), decodingStrategy: 'None' } }],
    },
  });
}

/** One Secrets Manager entry per Kubernetes Secret: its keys and values as a JSON object. */
export interface SecretEntryPlan {
  readonly namespace: string;
  readonly name: string;
  readonly stringData: Readonly<Record<string, pulumi.Output<string>>>;
}

export interface SecretsManagerEntriesArgs {
  /** `secretsManagerPrefix(stack)`. */
  readonly prefix: string;
  readonly plans: readonly SecretEntryPlan[];
  /** Days a deleted entry can be restored; 0 deletes at once, so a stack can be destroyed and created again under the same names. */
  readonly recoveryWindowInDays: number;
}

/**
 * The stack's entries in Secrets Manager, created from stack secrets. Each value stays a Pulumi
 * secret (encrypted in the state, never a plain output); the entries are encrypted with the
 * account's `aws/secretsmanager` key.
 */
export class SecretsManagerEntries extends pulumi.ComponentResource {
  readonly arns: pulumi.Output<string>[];
  /** The entries' current values: what the ExternalSecrets must wait for. */
  readonly versions: aws.secretsmanager.SecretVersion[];

  constructor(name: string, args: SecretsManagerEntriesArgs, opts?: pulumi.ComponentResourceOptions) {
    super('uag:cloud:SecretsManagerEntries', name, {}, opts);
    const parent = { parent: this, dependsOn: opts?.dependsOn };
    const entries = args.plans.map((plan) => {
      const key = secretEntryKey(plan);
      const secret = new aws.secretsmanager.Secret(
        `${name}-${plan.namespace}-${plan.name}`,
        { name: `${args.prefix}${key}`, description: `Kubernetes Secret ${key}, synced by External Secrets Operator`, recoveryWindowInDays: args.recoveryWindowInDays },
        parent,
      );
      const secretString = pulumi.secret(pulumi.output(plan.stringData).apply((data) => JSON.stringify(data)));
      const version = new aws.secretsmanager.SecretVersion(`${name}-${plan.namespace}-${plan.name}`, { secretId: secret.id, secretString }, parent);
      return { secret, version };
    });
    this.arns = entries.map((entry) => entry.secret.arn);
    this.versions = entries.map((entry) => entry.version);
    this.registerOutputs({});
  }
}
