import { Construct } from 'constructs';
import { ServiceEntry } from '@kubernetes-models/istio/networking.istio.io/v1beta1/ServiceEntry';
import { Sidecar } from '@kubernetes-models/istio/networking.istio.io/v1beta1/Sidecar';
import type { RouteTable } from '../../../app/src/contract';
import { addObject } from '../api-object';
import type { ExternalEgress } from '../external-egress';
import type { Labels } from '../labels';
import { ALERTMANAGER, API_SERVER_SERVICE, ARGO_ROLLOUTS, CLUSTER_DNS_SERVICE, JAEGER, LOKI, NAMESPACES, PROMETHEUS, serviceHost } from '../platform-names';
import { upstreamServices } from '../upstream-services';

export interface SidecarScopesProps {
  readonly labels: Labels;
  /** The gateway's route table: the gateway namespace imports exactly the upstream Services it names. */
  readonly routes: RouteTable;
  /** Destinations outside the cluster the gateway reaches, declared as ServiceEntries. @default none */
  readonly gatewayExternalEgress?: readonly ExternalEgress[];
}

/** One Sidecar: the services (`namespace/host`) its proxies get configuration for. */
interface Scope {
  readonly namespace: string;
  /** `default` for the namespace-wide Sidecar (the name Istio recommends), else the workload's name. */
  readonly name: string;
  /** Pod labels of the one workload it applies to, replacing the namespace's Sidecar for it. @default the whole namespace */
  readonly workload?: Labels;
  readonly hosts: readonly string[];
  /**
   * Why this workload keeps reaching destinations outside the registry (`ALLOW_ANY`), which the
   * mesh refuses everyone else. @default none: the mesh's REGISTRY_ONLY applies
   */
  readonly unregisteredDestinations?: string;
}

/** `<namespace>/<service FQDN>`: one Service in a Sidecar's egress hosts. */
export function importedService(service: string, namespace: string): string {
  return `${namespace}/${serviceHost(service, namespace)}`;
}

/** DNS over TCP (a truncated UDP answer) goes through the sidecar; UDP does not (no DNS capture). */
const CLUSTER_DNS = importedService(CLUSTER_DNS_SERVICE, NAMESPACES.dns);
const API_SERVER = importedService(API_SERVER_SERVICE.name, API_SERVER_SERVICE.namespace);
/** Every proxy reports spans to Jaeger's OTLP/gRPC port (mesh-telemetry.ts): its cluster exists only where the Service is imported. */
const JAEGER_COLLECTOR = importedService(JAEGER.name, NAMESPACES.observability);
const SAME_NAMESPACE = './*';

/**
 * Istio `Sidecar` resources for every namespace of the platform whose pods are injected (gateway,
 * observability, argo-rollouts): each proxy gets configuration for the Services its workload talks
 * to and nothing else, and with the mesh's `outboundTrafficPolicy: REGISTRY_ONLY`
 * (infra/pulumi/operators.ts) anything else is refused at the proxy. Semantics from Istio 1.29.2
 * (networking/v1alpha3/sidecar.proto in istio/api; pilot/pkg/model/sidecar.go): hosts are
 * `namespace/dnsName` (`.` the Sidecar's own namespace, `*` any dnsName); a Sidecar with a
 * `workloadSelector` replaces the namespace-wide one for its pods, so it lists its hosts in full; a
 * Sidecar's `outboundTrafficPolicy` overrides the mesh's. The gateway's ServiceEntries (its
 * ElastiCache) are visible in its namespace only.
 */
export class SidecarScopes extends Construct {
  constructor(scope: Construct, id: string, props: SidecarScopesProps) {
    super(scope, id);
    const external = props.gatewayExternalEgress ?? [];
    // Grafana reads Loki, outside the mesh in the logging namespace.
    const observabilityHosts = [SAME_NAMESPACE, CLUSTER_DNS, API_SERVER, importedService(LOKI.name, LOKI.namespace)];
    const scopes: Scope[] = [
      {
        namespace: NAMESPACES.gateway,
        name: 'default',
        hosts: [
          CLUSTER_DNS,
          // The gateway's own OTLP/HTTP exporter and its sidecar's spans.
          JAEGER_COLLECTOR,
          ...new Set(upstreamServices(props.routes).map((upstream) => importedService(upstream.service, upstream.namespace))),
          ...external.map((egress) => `./${egress.host}`),
        ],
      },
      // Grafana (and its Loki), Jaeger, prometheus-adapter (the API server delegates its authentication checks) and each other.
      { namespace: NAMESPACES.observability, name: 'default', hosts: observabilityHosts },
      {
        namespace: NAMESPACES.observability,
        name: PROMETHEUS.name,
        workload: { 'app.kubernetes.io/name': PROMETHEUS.name },
        hosts: observabilityHosts,
        unregisteredDestinations:
          'it scrapes pod and node addresses it discovers from the API server (every sidecar, the kubelets, node-exporter, the add-ons), which no registry entry names; its NetworkPolicy still limits it to the scrape ports',
      },
      {
        namespace: NAMESPACES.observability,
        name: ALERTMANAGER.name,
        workload: { 'app.kubernetes.io/name': ALERTMANAGER.name },
        hosts: [SAME_NAMESPACE, CLUSTER_DNS],
        unregisteredDestinations:
          'its receivers (PagerDuty, the chat webhook, the generic webhook) are URLs held in Secrets the manifests must not name; its NetworkPolicy still limits it to 443',
      },
      {
        namespace: ARGO_ROLLOUTS.namespace,
        name: 'default',
        // The controller drives Rollouts through the API server and queries Prometheus for analyses.
        hosts: [CLUSTER_DNS, API_SERVER, importedService(PROMETHEUS.name, NAMESPACES.observability), JAEGER_COLLECTOR],
      },
    ];
    for (const sidecar of scopes) {
      addObject(
        this,
        `${sidecar.namespace}-${sidecar.name}`,
        new Sidecar({
          metadata: {
            name: sidecar.name,
            namespace: sidecar.namespace,
            labels: { ...props.labels },
            ...(sidecar.unregisteredDestinations === undefined ? {} : { annotations: { 'uag.example.com/allow-any-reason': sidecar.unregisteredDestinations } }),
          },
          spec: {
            ...(sidecar.workload === undefined ? {} : { workloadSelector: { labels: { ...sidecar.workload } } }),
            egress: [{ hosts: [...sidecar.hosts] }],
            ...(sidecar.unregisteredDestinations === undefined ? {} : { outboundTrafficPolicy: { mode: 'ALLOW_ANY' as const } }),
          },
        }),
      );
    }
    for (const egress of external) addObject(this, `external-${egress.name}`, externalServiceEntry(egress, props.labels));
  }
}

/**
 * A destination outside the mesh by address range and port, for the gateway's namespace only. The
 * proxy sends matching connections on unchanged (resolution NONE: to the address dialled), so the
 * application's own TLS (rediss://) passes through.
 */
function externalServiceEntry(egress: ExternalEgress, labels: Labels): ServiceEntry {
  return new ServiceEntry({
    metadata: { name: egress.name, namespace: NAMESPACES.gateway, labels: { ...labels } },
    spec: {
      hosts: [egress.host],
      addresses: egress.peers.map((peer) => peer.cidr),
      ports: egress.ports.map((port) => {
        // Sidecars capture TCP only: a UDP entry would declare traffic the proxy never sees.
        if ((port.protocol ?? 'TCP') !== 'TCP') throw new Error(`external egress '${egress.name}': port ${port.port}/${port.protocol} is not TCP; the mesh only carries TCP, so declare TCP ports only`);
        return { number: port.port, name: `tcp-${port.port}`, protocol: 'TCP' };
      }),
      location: 'MESH_EXTERNAL',
      resolution: 'NONE',
      exportTo: ['.'],
    },
  });
}
