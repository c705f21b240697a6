import { isDeepStrictEqual } from 'node:util';
import type { RouteTable } from '../contract';

/** Route names a new table adds, removes or changes, compared with the active one. */
export interface RouteChanges {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
}

export function routeChanges(from: RouteTable, to: RouteTable): RouteChanges {
  const before = new Map(from.routes.map((route) => [route.name, route]));
  const after = new Map(to.routes.map((route) => [route.name, route]));
  return {
    added: [...after.keys()].filter((name) => !before.has(name)),
    removed: [...before.keys()].filter((name) => !after.has(name)),
    changed: [...after].filter(([name, route]) => before.has(name) && !isDeepStrictEqual(before.get(name), route)).map(([name]) => name),
  };
}

/**
 * Why `to` cannot be applied to a running gateway whose table is `from`, or nothing. A `tcp:`
 * listener is a container port and a Service port: only a new pod template can change it.
 */
export function tcpChangeProblem(from: RouteTable, to: RouteTable): string | undefined {
  if (isDeepStrictEqual(from.tcp, to.tcp)) return undefined;
  const describe = (table: RouteTable) => (table.tcp.length === 0 ? 'none' : table.tcp.map((listener) => `${listener.name}:${listener.port}`).join(', '));
  return `tcp: the TCP listeners changed (${describe(from)} -> ${describe(to)}); a reload cannot open or move listeners, which need new container and Service ports: roll the change out instead (a new pod template), and keep tcp: as it is meanwhile`;
}
