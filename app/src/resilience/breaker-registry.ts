import { isDeepStrictEqual } from 'node:util';
import { ConfigError } from '../config/config-error';
import { CIRCUIT_STATES, type CircuitBreakerConfig, type CircuitState } from '../contract';
import type { GatewayMetrics } from '../telemetry/gateway-metrics';
import type { Logger } from '../telemetry/logger';
import { CircuitBreaker } from './circuit-breaker';

interface BreakerEntry {
  readonly breaker: CircuitBreaker;
  readonly config: CircuitBreakerConfig;
}

/**
 * One breaker per upstream origin, shared by every route that sends there: the upstream's health
 * does not depend on which route noticed. Routes sharing an origin must agree on the settings.
 * Breakers outlive route-table reloads: a table that declares the same settings for an origin
 * gets the breaker (and its state) the active table has; changed settings start a new, closed one.
 */
export class BreakerRegistry {
  private active = new Map<string, BreakerEntry>();

  constructor(
    private readonly metrics: GatewayMetrics,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Breakers for one route table being built; nothing changes here until `adopt`. */
  forTable(): TableBreakers {
    return new TableBreakers(this);
  }

  /** Makes `table`'s breakers the active ones; origins it no longer uses lose their metric series. */
  adopt(table: TableBreakers): void {
    for (const origin of this.active.keys()) if (!table.entries.has(origin)) this.metrics.circuitState.remove({ upstream: origin });
    const previous = this.active;
    this.active = new Map(table.entries);
    for (const [origin, entry] of this.active) {
      if (previous.get(origin) !== entry) this.metrics.circuitState.set({ upstream: origin }, CIRCUIT_STATES[entry.breaker.state]);
    }
  }

  /** Origin and state of every active breaker, for the status page. */
  states(): { readonly upstream: string; readonly state: CircuitState }[] {
    return [...this.active].map(([upstream, entry]) => ({ upstream, state: entry.breaker.state }));
  }

  /** The active breaker of `origin`, if the active table gives it one. */
  get(origin: string): CircuitBreaker | undefined {
    return this.active.get(origin)?.breaker;
  }

  /** @internal the active entry for `origin` when its settings equal `config`, else a new breaker. */
  entryFor(origin: string, config: CircuitBreakerConfig): BreakerEntry {
    const known = this.active.get(origin);
    if (known !== undefined && isDeepStrictEqual(known.config, config)) return known;
    const breaker: CircuitBreaker = new CircuitBreaker(
      config,
      (state, previous) => {
        // A breaker replaced by a reload may still judge the requests of the table it served.
        if (this.active.get(origin)?.breaker === breaker) this.metrics.circuitEntered(origin, state);
        const log = state === 'open' ? this.logger.warn.bind(this.logger) : this.logger.info.bind(this.logger);
        log({ upstream: origin, from: previous, to: state }, `circuit ${state}`);
      },
      this.now,
    );
    return { breaker, config };
  }

}

/**
 * The breakers of one route table while it is built: routes that share an origin must declare
 * the same settings (a clash is a ConfigError naming both places).
 */
export class TableBreakers {
  /** @internal */
  readonly entries = new Map<string, BreakerEntry & { readonly declaredAt: string }>();

  constructor(private readonly registry: BreakerRegistry) {}

  /** `declaredAt` is the config path (`routes[2].circuitBreaker`) quoted when settings clash. */
  forOrigin(origin: string, config: CircuitBreakerConfig, declaredAt: string): CircuitBreaker {
    const known = this.entries.get(origin);
    if (known !== undefined) {
      if (!isDeepStrictEqual(known.config, config)) {
        throw new ConfigError([`${declaredAt}: differs from ${known.declaredAt} for the same upstream ${origin}; use identical settings`]);
      }
      return known.breaker;
    }
    const entry = { ...this.registry.entryFor(origin, config), declaredAt };
    this.entries.set(origin, entry);
    return entry.breaker;
  }
}
