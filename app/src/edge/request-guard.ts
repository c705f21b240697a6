import type { IncomingHttpHeaders } from 'node:http';
import type { GatewayErrorCode } from '../contract';
import type { Identity } from '../auth/identity';

/** Why the gateway answers a request itself instead of proxying it. */
export interface Rejection {
  readonly code: GatewayErrorCode;
  /** Short reason appended to the code's message; never echoes client input. */
  readonly detail?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** What guards learn about a request and pass on (to later guards and to the upstream). */
export interface GuardContext {
  readonly headers: IncomingHttpHeaders;
  readonly clientIp: string;
  identity: Identity | undefined;
}

/**
 * One per-route check run before proxying (auth, rate limit), for HTTP requests and WebSocket
 * upgrades alike. Synchronous when it can decide at once, so cached answers cost no tick.
 */
export type RequestGuard = (context: GuardContext) => Rejection | undefined | Promise<Rejection | undefined>;

/** Runs `guards` in order and stops at the first rejection. */
export function runGuards(guards: readonly RequestGuard[], context: GuardContext): Rejection | undefined | Promise<Rejection | undefined> {
  for (let index = 0; index < guards.length; index++) {
    const verdict = guards[index]!(context);
    if (verdict instanceof Promise) return continueAsync(verdict, guards, index + 1, context);
    if (verdict !== undefined) return verdict;
  }
  return undefined;
}

async function continueAsync(
  pending: Promise<Rejection | undefined>,
  guards: readonly RequestGuard[],
  next: number,
  context: GuardContext,
): Promise<Rejection | undefined> {
  const verdict = await pending;
  if (verdict !== undefined) return verdict;
  return runGuards(guards.slice(next), context);
}

/**
 * `guard`, except that a request it refuses as unauthenticated is first charged to `limit`: when
 * that refuses too, its answer (429) replaces the 401.
 */
export function chargeFailuresTo(guard: RequestGuard, limit: RequestGuard): RequestGuard {
  const charge = (rejection: Rejection | undefined, context: GuardContext) => (rejection?.code === 'UAG_ERR_UNAUTHENTICATED' ? orElse(limit(context), rejection) : rejection);
  return (context) => {
    const verdict = guard(context);
    return verdict instanceof Promise ? verdict.then((rejection) => charge(rejection, context)) : charge(verdict, context);
  };
}

function orElse(verdict: ReturnType<RequestGuard>, fallback: Rejection): Rejection | Promise<Rejection> {
  return verdict instanceof Promise ? verdict.then((rejection) => rejection ?? fallback) : (verdict ?? fallback);
}
