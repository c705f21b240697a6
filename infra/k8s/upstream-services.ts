import type { RouteTable } from '../../app/src/contract';

export interface UpstreamService {
  readonly service: string;
  readonly namespace: string;
  readonly port: number;
}

/** The distinct Kubernetes Services a route table sends traffic to, sorted by namespace, name and port. */
export function upstreamServices(routes: RouteTable): UpstreamService[] {
  const byKey = new Map<string, UpstreamService>();
  for (const { upstream } of routes.routes) {
    const { service, namespace, port } = upstream;
    if (service === undefined || namespace === undefined || port === undefined) continue;
    byKey.set(`${namespace}/${service}:${port}`, { service, namespace, port });
  }
  return [...byKey.values()].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.service.localeCompare(b.service) || a.port - b.port);
}
