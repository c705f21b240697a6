import { isDeepStrictEqual } from 'node:util';
import { ConfigError } from '../config/config-error';
import type { CircuitBreakerConfig } from '../contract';
import type { GatewayMetrics } from '../telemetry/gateway-metrics';
import type { Logger } from '../telemetry/logger';
import { CircuitBreaker } from './circuit-breaker';

/**
 * One breaker per upstream origin, shared by every route that sends there: the upstream's health
 * does not depend on which route noticed. Routes sharing an origin must agree on the settings.
 */
export class BreakerRegistry {
  private readonly breakers = new Map<string, { breaker: CircuitBreaker; config: CircuitBreakerConfig; declaredAt: string }>();

  constructor(
    private readonly metrics: GatewayMetrics,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** `declaredAt` is the config path (`routes[2].circuitBreaker`) quoted when settings clash. */
  forOrigin(origin: string, config: CircuitBreakerConfig, declaredAt: string): CircuitBreaker {
    const known = this.breakers.get(origin);
    if (known !== undefined) {
      if (!isDeepStrictEqual(known.config, config)) {
        throw new ConfigError([`${declaredAt}: differs from ${known.declaredAt} for the same upstream ${origin}; use identical settings`]);
      }
      return known.breaker;
    }
    const breaker = new CircuitBreaker(
      config,
      (state, previous) => {
        this.metrics.circuitEntered(origin, state);
        const log = state === 'open' ? this.logger.warn.bind(this.logger) : this.logger.info.bind(this.logger);
        log({ upstream: origin, from: previous, to: state }, `circuit ${state}`);
      },
      this.now,
    );
    this.metrics.circuitState.set({ upstream: origin }, 0);
    this.breakers.set(origin, { breaker, config, declaredAt });
    return breaker;
  }
}
