import { z } from 'zod';
import type { CrdModel, CrdObject } from './crd-model';

/**
 * External Secrets Operator's ExternalSecret and ClusterSecretStore (external-secrets.io/v1), for
 * the fields the program writes, from config/crds/bases/external-secrets.io_externalsecrets.yaml
 * and external-secrets.io_clustersecretstores.yaml at external-secrets/external-secrets tag
 * helm-chart-2.9.0 (the CRDs chart 2.9.0 installs; v1 is the only served version there, v1beta1
 * is neither served nor stored).
 */
const ESO_SOURCE = 'external-secrets/external-secrets helm-chart-2.9.0 config/crds/bases';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const metadata = (namespaced: boolean) =>
  z.strictObject({
    name: z.string().max(253).regex(DNS_SUBDOMAIN, { error: 'must be a DNS subdomain name' }),
    ...(namespaced ? { namespace: z.string().max(63).regex(DNS_LABEL, { error: 'must be a namespace name' }) } : {}),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  });

/** Go duration strings, as `refreshInterval` is parsed. */
const goDuration = z.string().regex(/^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/, { error: 'must be a Go duration like 1h0m0s or 15m' });

const externalSecretSpec = z
  .strictObject({
    refreshInterval: goDuration.optional(),
    secretStoreRef: z.strictObject({ kind: z.enum(['SecretStore', 'ClusterSecretStore']), name: z.string().max(253).regex(DNS_SUBDOMAIN) }),
    target: z.strictObject({
      name: z.string().min(1).max(253).regex(DNS_SUBDOMAIN),
      creationPolicy: z.enum(['Owner', 'Orphan', 'Merge', 'None', 'CreateOrMerge']).optional(),
      deletionPolicy: z.enum(['Delete', 'Merge', 'Retain']).optional(),
    }),
    dataFrom: z.array(z.strictObject({ extract: z.strictObject({ key: z.string().min(1), decodingStrategy: z.enum(['Auto', 'Base64', 'Base64URL', 'None']).optional() }) })).optional(),
  })
  .refine((spec) => (spec.dataFrom?.length ?? 0) > 0, { error: 'dataFrom must name the remote secret' });

export type ExternalSecretSpec = z.infer<typeof externalSecretSpec>;

export const EXTERNAL_SECRET: CrdModel<ExternalSecretSpec> = {
  apiVersion: 'external-secrets.io/v1',
  kind: 'ExternalSecret',
  source: `${ESO_SOURCE}/external-secrets.io_externalsecrets.yaml`,
  schema: z.strictObject({ apiVersion: z.literal('external-secrets.io/v1'), kind: z.literal('ExternalSecret'), metadata: metadata(true), spec: externalSecretSpec }) as z.ZodType<CrdObject<ExternalSecretSpec>>,
};

const clusterSecretStoreSpec = z.strictObject({
  provider: z.strictObject({
    aws: z.strictObject({
      service: z.enum(['SecretsManager', 'ParameterStore', 'CertificateManager']),
      region: z.string().min(1),
      /** Prepended to every key the store reads (providers/v1/aws/secretsmanager/secretsmanager.go, `sm.prefix + ref.Key`). */
      prefix: z.string().optional(),
    }),
  }),
  conditions: z.array(z.strictObject({ namespaces: z.array(z.string().max(63).regex(DNS_LABEL)).min(1) })).optional(),
});

export type ClusterSecretStoreSpec = z.infer<typeof clusterSecretStoreSpec>;

export const CLUSTER_SECRET_STORE: CrdModel<ClusterSecretStoreSpec> = {
  apiVersion: 'external-secrets.io/v1',
  kind: 'ClusterSecretStore',
  source: `${ESO_SOURCE}/external-secrets.io_clustersecretstores.yaml`,
  schema: z.strictObject({ apiVersion: z.literal('external-secrets.io/v1'), kind: z.literal('ClusterSecretStore'), metadata: metadata(false), spec: clusterSecretStoreSpec }) as z.ZodType<
    CrdObject<ClusterSecretStoreSpec>
  >,
};
