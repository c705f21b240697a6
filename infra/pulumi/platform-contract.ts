import { MESH_PROVIDERS } from '../k8s/mesh/mesh-telemetry';
import { RECEIVER_SECRETS } from '../k8s/observability/alert-routing';
import { GRAFANA_ADMIN_SECRET } from '../k8s/observability/grafana';
import { GATEWAY_NAME, GRAFANA, INGRESS_GATEWAY_SERVICE_ACCOUNT, JAEGER, NAMESPACES } from '../k8s/platform-names';
import type { ExternalEgress } from '../k8s/external-egress';
import type { CloudEnvironmentName } from './cloud-environments';
import type { ClientAddressSpec } from '../environments/types';

/** One Kubernetes object as cdk8s renders it (`Chart.toJson()`). */
export interface KubernetesObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [field: string]: unknown };
  readonly [field: string]: unknown;
}

export interface PlatformRenderRequest {
  readonly environment: CloudEnvironmentName;
  /** Immutable gateway image reference: `<repository>:<content tag>` (ECR tags are immutable) or a digest. */
  readonly image: string;
  /** StorageClass of the volume claims; `null`: the cluster's default class. */
  readonly storageClassName: string | null;
  /** Ingress hosts replacing the environment's own (from `uag:domain`); `undefined` keeps them. */
  readonly hosts: readonly string[] | undefined;
  /** Gateway egress to cloud resources outside the cluster (ElastiCache): NetworkPolicy rules and ServiceEntries. */
  readonly gatewayExternalEgress: readonly ExternalEgress[];
}

/**
 * What this program needs from the cdk8s platform (infra/platform.ts, infra/environments,
 * infra/synth/image-reference.ts): kept to a few functions so the program and its tests do not
 * depend on how the platform is built. `cdk8s-platform.ts` is the real one.
 */
export interface PlatformSource {
  /** Renders every object of the environment in process, nothing written to charts-out/. */
  render(request: PlatformRenderRequest): KubernetesObject[];
  /** The content-derived image tag `npm run synth` uses. */
  imageTag(repositoryRoot: string): string;
  /** Name of the TLS Secret (in the Istio namespace) the environment's ingress Gateway serves. */
  ingressTlsSecretName(environment: CloudEnvironmentName): string;
  /** How the client's address reaches the gateway; the ingress gateway's part of it is installed here (client-address.ts). */
  clientAddress(environment: CloudEnvironmentName): ClientAddressSpec;
  /** The hosts the environment's ingress Gateway serves when `uag:domain` does not replace them. */
  ingressHosts(environment: CloudEnvironmentName): readonly string[];
}

/**
 * Names the synthesized manifests and this program must agree on. The manifests reference these
 * Secrets and Services; this program creates the Secrets and installs what serves the rest.
 */
export const PLATFORM_NAMES = {
  namespaces: { gateway: NAMESPACES.gateway, observability: NAMESPACES.observability, istio: NAMESPACES.istio },
  gateway: { deployment: GATEWAY_NAME, container: GATEWAY_NAME },
  /** Release name: the Istio gateway chart derives the `istio: ingressgateway` label and service account from it. */
  ingressGateway: INGRESS_GATEWAY_SERVICE_ACCOUNT,
  jaeger: { service: JAEGER.name, otlpGrpcPort: JAEGER.otlpGrpcPort, queryPort: JAEGER.queryPort },
  grafana: { service: GRAFANA.name, port: GRAFANA.port },
  /** Providers the mesh's Telemetry resources name; defined in istiod's meshConfig. */
  meshProviders: MESH_PROVIDERS,
  secrets: {
    grafanaAdmin: GRAFANA_ADMIN_SECRET,
    ...RECEIVER_SECRETS,
    /** Environment variables for the gateway container (UAG_REDIS_URL, UAG_JWT_PUBLIC_KEY). */
    gatewayEnvironment: 'gateway-environment',
  },
} as const;
