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
    byKey.set(`${namespace}/${service}:${port}`, { service, namespace, port });
  }
  return [...byKey.values()].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.service.localeCompare(b.service) || a.port - b.port);
}
