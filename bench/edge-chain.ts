// The "gateway edge chain" run of `npm run bench` (issue 3): the production gateway as in the
// "gateway" run (metrics, tracing at the default sampler, access log) plus JWT verification
// (served from the token cache after the first request), an in-process rate limit that is never
// reached, and the default security headers. Target: at least 85 % of the "gateway" run's req/s.
import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { byRoundText, measurementOf, pairedRatios, type RoundsByRun, type RunOutcome } from './report';
import { startGatewayWith, type BenchContext, type StartedTarget } from './targets';

export const EDGE_CHAIN = 'gateway edge chain';
/** Share of the core gateway's throughput the full chain must keep. */
export const EDGE_CHAIN_MIN_RATIO = 0.85;

const ISSUER = 'https://bench.example.test/';

export async function startEdgeChainGateway(ctx: BenchContext): Promise<StartedTarget> {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const token = await new SignJWT({ sub: 'bench-user', roles: ['reader'] })
    .setProtectedHeader({ alg: 'ES256' })
    .setIssuer(ISSUER)
    .setAudience('uag')
    .setExpirationTime('2h')
    .sign(privateKey);
  const routeTable = [
    'auth:',
    `  jwt: { publicKeyFromEnv: true, issuer: "${ISSUER}", audience: uag, algorithms: [ES256] }`,
    'routes:',
    '  - name: bench',
    '    match: { pathPrefix: / }',
    `    upstream: { url: ${ctx.upstreamUrl} }`,
    '    requireRoles: [reader]',
    // Every load connection comes from 127.0.0.1: one bucket, sized never to run dry.
    '    rateLimit: { requestsPerSecond: 1000000, burst: 1000000, key: ip }',
    '',
  ].join('\n');
  const target = await startGatewayWith(ctx, routeTable, { UAG_JWT_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString() });
  return { ...target, requestHeaders: { authorization: `Bearer ${token}` } };
}

/** The issue's bar, as a line under the table, judged like issue 2's on the rounds' ratios. */
export function edgeChainTarget(outcomes: readonly RunOutcome[], coreRun: string, rounds: RoundsByRun): string {
  const ratio = pairedRatios(rounds, EDGE_CHAIN, coreRun, (m) => m.requestsPerSecond);
  if (measurementOf(outcomes, coreRun) === undefined || measurementOf(outcomes, EDGE_CHAIN) === undefined || ratio.median === undefined) {
    return `target (${EDGE_CHAIN} >= ${EDGE_CHAIN_MIN_RATIO * 100} % of ${coreRun}): not evaluated, one of them did not run`;
  }
  // When the client side saturates, req/s understates the difference; CPU per request does not.
  const cpuRatio = pairedRatios(rounds, coreRun, EDGE_CHAIN, (m) => m.cpuMicrosPerRequest);
  const verdict = (r: number) => (r >= EDGE_CHAIN_MIN_RATIO ? 'met' : 'NOT MET');
  const percent = (r: number) => `${(r * 100).toFixed(1)} %`;
  return (
    `target (${EDGE_CHAIN} >= ${EDGE_CHAIN_MIN_RATIO * 100} % of ${coreRun}): ${verdict(ratio.median)} at ${percent(ratio.median)} of its req/s` +
    byRoundText(ratio, percent) +
    (cpuRatio.median === undefined ? '' : `; ${verdict(cpuRatio.median)} at ${percent(cpuRatio.median)} of its requests per CPU second` + byRoundText(cpuRatio, percent))
  );
}
