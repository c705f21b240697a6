import { ConfigError } from '../config/config-error';
import { parseRouteTableText, type RouteTableText } from '../config/route-table-loader';
import type { ConfigReloadResult, RouteTable } from '../contract';
import type { ActiveRoutes, CompiledRoutes } from '../routing/active-routes';
import type { GatewayMetrics } from '../telemetry/gateway-metrics';
import type { Logger } from '../telemetry/logger';
import { routeChanges, tcpChangeProblem, type RouteChanges } from './route-changes';

/** Reloads kept for the status page, newest first. */
export const RELOAD_HISTORY_SIZE = 10;

/** One reload attempt, as the status page and the log report it. */
export interface ReloadRecord {
  /** Unix milliseconds. */
  readonly at: number;
  readonly result: ConfigReloadResult;
  /** sha256 of the file read; undefined when it could not be read. */
  readonly checksum: string | undefined;
  /** One line per problem, naming the line and column or the field; empty when applied. */
  readonly problems: readonly string[];
  /** What an applied reload changed. */
  readonly changes: RouteChanges | undefined;
}

/** A table built and ready to swap in; `commit` makes its carried state the active state. */
export interface PreparedRoutes {
  readonly routes: CompiledRoutes;
  commit(): void;
}

export interface RouteTableReloaderOptions {
  readonly path: string;
  readonly active: ActiveRoutes;
  /** Builds the runtimes of a validated table; throws a ConfigError for what only building finds (a key, clashing breakers). */
  readonly prepare: (table: RouteTable, checksum: string) => Promise<PreparedRoutes>;
  /** After a table that failed to build: let go of what it made (pools of origins no table uses). */
  readonly discard: () => void;
  /** After a swap, with the table it replaced. */
  readonly applied: (previous: CompiledRoutes, next: CompiledRoutes) => void;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
}

/**
 * Applies a changed route table file to the running gateway: read, validate with the start-up
 * schema, refuse what a reload cannot do (TCP listeners), build the new runtimes, swap. Anything
 * wrong leaves the active table serving, logs one line per problem, and counts a rejection;
 * readiness is not touched. Reloads run one at a time, in the order they were asked for.
 */
export class RouteTableReloader {
  private readonly records: ReloadRecord[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  /** Checksum of the newest rejected file while it is still what the file holds. */
  private pendingRejection: string | undefined;

  constructor(private readonly options: RouteTableReloaderOptions) {
    const { metrics, active } = options;
    metrics.configInfo.set({ checksum: active.current.checksum }, 1);
    metrics.configLoadedTimestamp.set(active.current.loadedAt / 1000);
    metrics.configRejectedTimestamp.set(0);
  }

  /** A rejected file is what the file holds, and the active table is older than it. */
  get rejectionPending(): boolean {
    return this.pendingRejection !== undefined;
  }

  /** Reload attempts, newest first. */
  get history(): readonly ReloadRecord[] {
    return this.records;
  }

  /** The file could not be read (`readRouteTableText`'s ConfigError): the active table stays. */
  unreadable(error: ConfigError): Promise<ReloadRecord> {
    return this.serially(async () => this.reject(undefined, error.problems));
  }

  /** Applies `file` unless it is the active table already (a revert clears a pending rejection). */
  apply(file: RouteTableText): Promise<ReloadRecord | undefined> {
    return this.serially(async () => {
      if (file.checksum === this.options.active.current.checksum) {
        this.clearRejection();
        return undefined;
      }
      return this.applyChanged(file);
    });
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async applyChanged(file: RouteTableText): Promise<ReloadRecord> {
    const { active, logger } = this.options;
    const current = active.current;
    let table: RouteTable;
    let prepared: PreparedRoutes;
    try {
      table = parseRouteTableText(file.text, this.options.path);
      const tcpProblem = tcpChangeProblem(current.table, table);
      if (tcpProblem !== undefined) throw new ConfigError([tcpProblem]);
      prepared = await this.options.prepare(table, file.checksum);
    } catch (error) {
      this.options.discard();
      if (error instanceof ConfigError) return this.reject(file.checksum, error.problems);
      // A defect, not the file's fault: still no reason to stop serving the active table.
      logger.error({ err: error, checksum: file.checksum }, 'route table could not be built');
      return this.reject(file.checksum, [`UAG_ROUTES_FILE (${this.options.path}): could not be built: ${(error as Error).message}`]);
    }
    const changes = routeChanges(current.table, table);
    prepared.commit();
    const previous = active.swap(prepared.routes);
    this.options.applied(previous, prepared.routes);
    const { metrics } = this.options;
    metrics.configReloads.inc({ result: 'applied' });
    metrics.configInfo.reset();
    metrics.configInfo.set({ checksum: file.checksum }, 1);
    metrics.configLoadedTimestamp.set(prepared.routes.loadedAt / 1000);
    this.clearRejection();
    logger.info({ checksum: file.checksum, previous_checksum: previous.checksum, ...changes }, 'route table reloaded');
    return this.record({ at: prepared.routes.loadedAt, result: 'applied', checksum: file.checksum, problems: [], changes });
  }

  private reject(checksum: string | undefined, problems: readonly string[]): ReloadRecord {
    const { metrics, logger, active } = this.options;
    metrics.configReloads.inc({ result: 'rejected' });
    const at = Date.now();
    metrics.configRejectedTimestamp.set(at / 1000);
    this.pendingRejection = checksum ?? 'unreadable';
    for (const problem of problems) logger.error({ problem, checksum, active_checksum: active.current.checksum }, 'route table rejected; the active one keeps serving');
    return this.record({ at, result: 'rejected', checksum, problems, changes: undefined });
  }

  /** The file holds the active table again (or a newer one was applied): nothing is pending. */
  private clearRejection(): void {
    if (this.pendingRejection === undefined) return;
    this.pendingRejection = undefined;
    this.options.metrics.configRejectedTimestamp.set(0);
  }

  private record(record: ReloadRecord): ReloadRecord {
    this.records.unshift(record);
    if (this.records.length > RELOAD_HISTORY_SIZE) this.records.length = RELOAD_HISTORY_SIZE;
    return record;
  }
}
