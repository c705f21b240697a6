import type { RouteTable } from '../../app/src/contract';

export interface UpstreamService {
  readonly service: string;
  readonly namespace: string;
  readonly port: number;
}

type ServiceAddress = { service?: string | undefined; namespace?: string | undefined; port?: number | undefined };

/**
 * The distinct Kubernetes Services a route table sends traffic to (route upstreams, their
 * traffic-split variants and raw TCP listeners' upstreams), sorted by namespace, name and port.
 */
export function upstreamServices(routes: RouteTable): UpstreamService[] {
  const addresses: ServiceAddress[] = [
    ...routes.routes.flatMap(({ upstream }) => [upstream, ...(upstream.variants ?? [])]),
    ...routes.tcp.map((listener) => listener.upstream),
  ];
  const byKey = new Map<string, UpstreamService>();
  for (const { service, namespace, port } of addresses) {
    if (service === undefined || namespace === undefined || port === undefined) continue;
    const upstream = { service, namespace, port };
    byKey.set(upstreamServiceKey(upstream), upstream);
  }
  return [...byKey.values()].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.service.localeCompare(b.service) || a.port - b.port);
}

/** How environments name one upstream Service port, as the gateway dials it: `<service>.<namespace>:<port>`, e.g. `billing.billing:80`. */
export function upstreamServiceKey(upstream: UpstreamService): string {
  return `${upstream.service}.${upstream.namespace}:${upstream.port}`;
}

/** Declared pod ports behind upstream Service ports, keyed by `upstreamServiceKey`. */
export type UpstreamTargetPorts = Readonly<Record<string, number>>;

/**
 * The port the upstream's pods listen on behind the Service port the gateway dials: the declared
 * one, else the Service port itself (what Kubernetes uses for a Service port without `targetPort`).
 * NetworkPolicy matches the destination pod's port, never the Service's.
 */
export function upstreamTargetPort(upstream: UpstreamService, targetPorts: UpstreamTargetPorts): number {
  return targetPorts[upstreamServiceKey(upstream)] ?? upstream.port;
}
