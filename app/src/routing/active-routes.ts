import type { RouteTable } from '../contract';
import type { RouteRuntime } from '../proxy/route-runtime';
import { Router } from './router';

/** One route table, compiled: what a request is routed and served by from start to end. */
export class CompiledRoutes {
  readonly router: Router<RouteRuntime>;
  /** Upstream origins its routes send to; their pools stay open while it serves a request. */
  readonly origins: ReadonlySet<string>;
  /** Requests routed by this table that have not finished. */
  inFlight = 0;

  constructor(
    readonly table: RouteTable,
    /** sha256 of the file it was read from (`gateway_config_info`). */
    readonly checksum: string,
    /** Unix milliseconds it became active. */
    readonly loadedAt: number,
    readonly routes: readonly RouteRuntime[],
  ) {
    this.router = new Router(routes);
    this.origins = new Set(routes.flatMap((route) => route.variants.flatMap((variant) => variant.targets.items.map((target) => target.origin))));
  }

  /** Whether a WebSocket opened on `route`'s `variant` to `origin` would still go there under this table. */
  servesWebSocket(route: string, variant: string, origin: string): boolean {
    const runtime = this.routes.find((candidate) => candidate.name === route);
    if (runtime?.config.websocket === undefined) return false;
    return runtime.variants.some((arm) => arm.name === variant && arm.targets.items.some((target) => target.origin === origin));
  }
}

/**
 * The route table requests are served by, swapped whole by a reload. A request reads `current`
 * (or `acquire`s it) once and keeps what it got, so it is routed and served entirely by the old
 * table or entirely by the new one. A replaced table is "superseded" until its last request ends;
 * then `onRetired` is told which origins the tables still in use send to, so pools only the
 * retired one used can be closed.
 */
export class ActiveRoutes {
  private active: CompiledRoutes;
  private readonly superseded = new Set<CompiledRoutes>();

  constructor(
    initial: CompiledRoutes,
    private readonly onRetired: (originsInUse: ReadonlySet<string>) => void,
  ) {
    this.active = initial;
  }

  get current(): CompiledRoutes {
    return this.active;
  }

  /** The current table, held until `release`: its upstream pools stay open meanwhile. */
  acquire(): CompiledRoutes {
    const table = this.active;
    table.inFlight++;
    return table;
  }

  release(table: CompiledRoutes): void {
    if (--table.inFlight === 0 && this.superseded.delete(table)) this.retired();
  }

  /** Makes `next` current; returns the table it replaced. */
  swap(next: CompiledRoutes): CompiledRoutes {
    const previous = this.active;
    this.active = next;
    if (previous.inFlight > 0) this.superseded.add(previous);
    else this.retired();
    return previous;
  }

  /** Tables still serving requests: the current one and superseded ones with requests left. */
  get inUse(): number {
    return 1 + this.superseded.size;
  }

  /** Origins of every table still in use. */
  originsInUse(): ReadonlySet<string> {
    const origins = new Set(this.active.origins);
    for (const table of this.superseded) for (const origin of table.origins) origins.add(origin);
    return origins;
  }

  private retired(): void {
    this.onRetired(this.originsInUse());
  }
}
