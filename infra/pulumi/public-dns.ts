import { Certificate } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate';
import { ClusterIssuer } from '@kubernetes-models/cert-manager/cert-manager.io/v1/ClusterIssuer';
import type * as pulumi from '@pulumi/pulumi';
import { CERT_MANAGER_NAMESPACE, MONITOR_SELECTOR } from '../k8s/platform-names';
import type { PolicyDocument } from './iam';

/**
 * The environment's public name, kept by two controllers (AWS stacks only):
 * - ExternalDNS (chart external-dns 1.21.1, app 0.21.0; values checked against
 *   charts/external-dns/values.yaml at tag external-dns-helm-chart-1.21.1) points `uag:domain` at
 *   the ingress NLB;
 * - cert-manager (chart v1.21.1; deploy/charts/cert-manager/values.yaml at tag v1.21.1) gets the
 *   ingress certificate from Let's Encrypt with an ACME DNS-01 challenge in the same Route 53 zone
 *   and renews it, into the TLS Secret the Istio Gateway serves.
 * Both reach Route 53 through EKS Pod Identity, each limited to the stack's hosted zone.
 */
export const CERT_MANAGER = { namespace: CERT_MANAGER_NAMESPACE, releaseName: 'cert-manager', serviceAccount: 'cert-manager' } as const;
export const EXTERNAL_DNS = { namespace: 'external-dns', releaseName: 'external-dns', serviceAccount: 'external-dns' } as const;

/** Let's Encrypt's production ACME directory. */
export const LETS_ENCRYPT_DIRECTORY = 'https://acme-v02.api.letsencrypt.org/directory';
export const CLUSTER_ISSUER_NAME = 'letsencrypt-route53';

export interface PublicDnsArgs {
  /** `uag:domain`: the host the ingress serves. */
  readonly domain: string;
  /** `uag:hostedZoneId`: the public Route 53 zone the domain's records live in. */
  readonly hostedZoneId: string;
  readonly region: string;
  /** Marks the records this stack's ExternalDNS owns (its TXT registry), so stacks sharing a zone leave each other's alone. */
  readonly ownerId: string;
}

const hostedZoneArn = (zoneId: string) => `arn:aws:route53:::hostedzone/${zoneId}`;

/**
 * cert-manager's Route 53 calls with a fixed hosted zone (pkg/issuer/acme/dns/route53/route53.go at
 * v1.21.1: ChangeResourceRecordSets, then GetChange until the change is in sync; the zone lookup
 * is skipped when the solver names the zone). Record changes are limited to the TXT record of the
 * domain's challenge (Route 53's ChangeResourceRecordSets condition keys).
 */
export function certManagerPolicy(args: PublicDnsArgs): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'route53:ChangeResourceRecordSets',
        Resource: hostedZoneArn(args.hostedZoneId),
        Condition: {
          'ForAllValues:StringEquals': { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': [`_acme-challenge.${args.domain}`], 'route53:ChangeResourceRecordSetsRecordTypes': ['TXT'] },
        },
      },
      { Effect: 'Allow', Action: 'route53:GetChange', Resource: 'arn:aws:route53:::change/*' },
    ],
  };
}

/**
 * ExternalDNS's permissions (docs/tutorials/aws.md at external-dns-helm-chart-1.21.1), with record
 * changes and reads limited to the stack's hosted zone instead of every zone.
 */
export function externalDnsPolicy(args: PublicDnsArgs): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['route53:ChangeResourceRecordSets', 'route53:ListResourceRecordSets', 'route53:ListTagsForResources'], Resource: hostedZoneArn(args.hostedZoneId) },
      { Effect: 'Allow', Action: 'route53:ListHostedZones', Resource: '*' },
    ],
  };
}

const RUNTIME_DEFAULT_SECCOMP = { type: 'RuntimeDefault' } as const;
/** The chart's default container security context, which a value replaces rather than merges into, with the seccomp profile the admission policies want on the container too. */
const CERT_MANAGER_CONTAINER_SECURITY = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true, seccompProfile: RUNTIME_DEFAULT_SECCOMP };
const smallResources = (memory: string) => ({ requests: { cpu: '10m', memory }, limits: { memory: `${Number.parseInt(memory, 10) * 2}Mi` } });

/**
 * cert-manager chart values (values.yaml at v1.21.1). The CRDs come with the release (`crds.enabled`,
 * kept on uninstall by `crds.keep`'s default so certificates survive a reinstall); two controller
 * and webhook replicas with budgets where the environment is highly available.
 */
export function certManagerValues(args: { readonly replicas: number }): Record<string, unknown> {
  const { replicas } = args;
  const budget = { podDisruptionBudget: { enabled: replicas > 1, minAvailable: 1 } };
  const component = (memory: string) => ({ resources: smallResources(memory), containerSecurityContext: CERT_MANAGER_CONTAINER_SECURITY });
  return {
    crds: { enabled: true },
    replicaCount: replicas,
    ...budget,
    serviceAccount: { create: true, name: CERT_MANAGER.serviceAccount },
    ...component('64Mi'),
    webhook: { replicaCount: replicas, ...budget, ...component('32Mi') },
    cainjector: { replicaCount: 1, ...component('64Mi') },
    startupapicheck: component('32Mi'),
    // templates/servicemonitor.yaml: one ServiceMonitor for the controller, webhook and cainjector
    // Services (`prometheus.enabled` is on by default), labelled for the platform's Prometheus. The
    // certificate series carry the Certificate's own `namespace` label, which the target's namespace
    // (cert-manager) would otherwise rename to `exported_namespace`: the renewal alerts name the
    // certificate by it.
    prometheus: { servicemonitor: { enabled: true, labels: { ...MONITOR_SELECTOR }, honorLabels: true } },
  };
}

/** ExternalDNS chart values (values.yaml at external-dns-helm-chart-1.21.1). */
export function externalDnsValues(args: PublicDnsArgs): Record<string, unknown> {
  return {
    provider: { name: 'aws' },
    // Only Services that name a host in the external-dns.alpha.kubernetes.io/hostname annotation: the ingress gateway's.
    sources: ['service'],
    domainFilters: [args.domain],
    // `sync` deletes the record when the Service goes (pulumi destroy), which upsert-only would leave behind.
    policy: 'sync',
    registry: 'txt',
    txtOwnerId: args.ownerId,
    extraArgs: [`--zone-id-filter=${args.hostedZoneId}`],
    // The Pod Identity agent gives credentials, not a region; the AWS SDK needs one.
    env: [{ name: 'AWS_REGION', value: args.region }],
    serviceAccount: { create: true, name: EXTERNAL_DNS.serviceAccount },
    resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '128Mi' } },
  };
}

/** The annotation ExternalDNS's `service` source publishes a Service's load balancer under. */
export function externalDnsServiceAnnotations(domain: string): Record<string, string> {
  return { 'external-dns.alpha.kubernetes.io/hostname': domain };
}

/**
 * The ACME issuer: Let's Encrypt, DNS-01 in the stack's hosted zone with cert-manager's ambient
 * credentials (Pod Identity; ClusterIssuers may use them by default). The ACME account key lives
 * in cert-manager's namespace (the cluster resource namespace).
 */
export function clusterIssuer(args: PublicDnsArgs): ClusterIssuer {
  return new ClusterIssuer({
    metadata: { name: CLUSTER_ISSUER_NAME },
    spec: {
      acme: {
        server: LETS_ENCRYPT_DIRECTORY,
        privateKeySecretRef: { name: `${CLUSTER_ISSUER_NAME}-account-key` },
        solvers: [{ selector: { dnsZones: [args.domain] }, dns01: { route53: { region: args.region, hostedZoneID: args.hostedZoneId } } }],
      },
    },
  });
}

/**
 * The ingress certificate, issued into the Secret the environment's Istio Gateway names
 * (`credentialName`, in the ingress gateway's namespace). cert-manager renews it two thirds
 * through its lifetime (pkg/util/pki/renewaltime.go at v1.21.1: 30 days before a 90-day Let's
 * Encrypt certificate expires) and rotates the key each
 * time.
 */
export function ingressCertificate(args: { readonly domain: string; readonly namespace: string; readonly secretName: string }): Certificate {
  return new Certificate({
    metadata: { name: args.secretName, namespace: args.namespace },
    spec: {
      secretName: args.secretName,
      dnsNames: [args.domain],
      issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: CLUSTER_ISSUER_NAME },
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
    },
  });
}

/** What the Operators component installs for the environment's public name. */
export interface PublicDns extends PublicDnsArgs {
  readonly certManagerGrants: readonly pulumi.Resource[];
  readonly externalDnsGrants: readonly pulumi.Resource[];
}
