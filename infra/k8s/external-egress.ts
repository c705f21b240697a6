import type { TrafficPort, TrafficRule } from './network-traffic';

/**
 * A destination outside the cluster that only the deploying program knows (the account's
 * ElastiCache subnets for UAG_REDIS_URL): opened past the gateway's default-deny NetworkPolicy and
 * declared to the mesh as a ServiceEntry, since the mesh lets sidecars reach only what its
 * registry names (`outboundTrafficPolicy: REGISTRY_ONLY`, sidecar-scopes.ts).
 */
export interface ExternalEgress extends TrafficRule {
  /** Names the ServiceEntry, e.g. `elasticache`. */
  readonly name: string;
  /**
   * The DNS name the workload dials, exact or a `*.` wildcard (`*.cache.amazonaws.com`). With
   * address ranges the sidecar matches the connection's address and port, so the name only
   * labels the entry and is what a Sidecar imports.
   */
  readonly host: string;
  readonly peers: readonly { readonly cidr: string }[];
  readonly ports: readonly TrafficPort[];
}
