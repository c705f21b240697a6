import { chargeFailuresTo, type GuardContext, type Rejection, type RequestGuard } from '../../../app/src/edge/request-guard';

const UNAUTHENTICATED: Rejection = { code: 'UAG_ERR_UNAUTHENTICATED', detail: 'signature invalid' };
const FORBIDDEN: Rejection = { code: 'UAG_ERR_FORBIDDEN' };
const LIMITED: Rejection = { code: 'UAG_ERR_RATE_LIMITED' };
const context: GuardContext = { headers: {}, clientIp: '127.0.0.1', identity: undefined };

/** A limit that lets `allowed` requests through and then refuses; counts what it was charged. */
function limit(allowed: number): RequestGuard & { charged: number } {
  const guard = Object.assign(() => (guard.charged++ < allowed ? undefined : LIMITED), { charged: 0 });
  return guard;
}

describe('chargeFailuresTo', () => {
  test.each([
    ['synchronous', (verdict: Rejection | undefined) => () => verdict],
    ['asynchronous', (verdict: Rejection | undefined) => () => Promise.resolve(verdict)],
  ])('charges only unauthenticated requests to the limit, which answers once it is empty (%s guard)', async (_kind, guardGiving) => {
    const fallback = limit(1);
    expect(await chargeFailuresTo(guardGiving(undefined), fallback)(context)).toBeUndefined();
    expect(await chargeFailuresTo(guardGiving(FORBIDDEN), fallback)(context)).toBe(FORBIDDEN);
    expect(fallback.charged).toBe(0);
    expect(await chargeFailuresTo(guardGiving(UNAUTHENTICATED), fallback)(context)).toBe(UNAUTHENTICATED);
    expect(await chargeFailuresTo(guardGiving(UNAUTHENTICATED), fallback)(context)).toBe(LIMITED);
    expect(fallback.charged).toBe(2);
  });
});
