// The gateway edge's cost: throughput of the core (metrics + tracing) against the full chain
// (JWT verified from the token cache + an in-process rate limit that is never reached + security
// headers + metrics + tracing), through the built gateway on loopback.
//   tsx bench/edge-chain.ts [--seconds 10] [--connections 32] [--rounds 2]
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { SignJWT, importPKCS8 } from 'jose';
import { benchPort, exited, GATEWAY_BUNDLE, HAS_TASKSET, requireBuild, runBenchmark, spawnNode, waitForPort } from './bench-processes';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '32' }, rounds: { type: 'string', default: '2' } } });
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const ROUNDS = Number(values.rounds);
const ISSUER = 'https://bench.example.test/';

const UPSTREAM_SCRIPT = `
const body = JSON.stringify({ ok: true });
require('node:http').createServer((q, s) => { q.resume(); s.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }); s.end(body); })
  .listen(Number(process.env.PORT), '127.0.0.1');
`;

interface Result {
  readonly name: string;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
}

async function main(): Promise<void> {
  requireBuild();
  const dir = mkdtempSync(join(tmpdir(), 'uag-edge-bench-'));
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const token = await new SignJWT({ sub: 'bench-user', roles: ['reader'] })
    .setProtectedHeader({ alg: 'ES256' })
    .setIssuer(ISSUER)
    .setAudience('uag')
    .setExpirationTime('1h')
    .sign(await importPKCS8(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 'ES256'));

  // A collector that accepts and drops OTLP exports, so tracing is really on.
  const collector = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  const collectorPort = await benchPort();
  await new Promise<void>((resolve) => collector.listen(collectorPort, '127.0.0.1', resolve));

  const upstreamPort = await benchPort();
  const upstream = spawnNode(['-e', UPSTREAM_SCRIPT], { PORT: String(upstreamPort) }, 1);
  await waitForPort(upstreamPort);
  const upstreamUrl = `http://127.0.0.1:${upstreamPort}`;

  const core = { routes: [{ name: 'users', match: { pathPrefix: '/' }, upstream: { url: upstreamUrl }, securityHeaders: false }] };
  const full = {
    auth: { jwt: { publicKeyFromEnv: true, issuer: ISSUER, audience: 'uag', algorithms: ['ES256'] } },
    routes: [
      {
        name: 'users',
        match: { pathPrefix: '/' },
        upstream: { url: upstreamUrl },
        requireRoles: ['reader'],
        rateLimit: { requestsPerSecond: 1_000_000, burst: 1_000_000, key: 'ip' },
      },
    ],
  };

  const results: Result[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    results.push(await measure('core: metrics + tracing', core, {}));
    results.push(await measure('full chain: + JWT (cached) + rate limit + security headers', full, { authorization: `Bearer ${token}` }));
  }
  collector.close();
  upstream.kill('SIGTERM');

  console.log(`\nedge chain benchmark: ${SECONDS} s per run, ${CONNECTIONS} connections, ${ROUNDS} rounds, gateway ${HAS_TASKSET ? 'pinned to cpu 0' : 'unpinned (no taskset)'}`);
  console.log('| run | req/s | p50 ms | p99 ms | non-2xx |');
  console.log('|---|---|---|---|---|');
  for (const r of results) console.log(`| ${r.name} | ${Math.round(r.rps)} | ${r.p50} | ${r.p99} | ${r.non2xx} |`);
  const mean = (prefix: string) => {
    const runs = results.filter((r) => r.name.startsWith(prefix));
    return runs.reduce((sum, r) => sum + r.rps, 0) / runs.length;
  };
  const ratio = mean('full') / mean('core');
  console.log(`\nfull chain / core throughput: ${(ratio * 100).toFixed(1)} % (target: at least 85 %)`);

  async function measure(name: string, table: unknown, headers: Record<string, string>): Promise<Result> {
    const routesFile = join(dir, `${results.length}.json`);
    writeFileSync(routesFile, JSON.stringify(table));
    const httpPort = await benchPort();
    const gateway = spawnNode(
      ['--enable-source-maps', GATEWAY_BUNDLE],
      {
        UAG_ROUTES_FILE: routesFile,
        UAG_HOST: '127.0.0.1',
        UAG_HTTP_PORT: String(httpPort),
        UAG_ADMIN_PORT: String(await benchPort()),
        UAG_JWT_PUBLIC_KEY: publicPem,
        UAG_DRAIN_DELAY_MS: '0',
        LOG_LEVEL: 'warn',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collectorPort}`,
      },
      0,
    );
    await waitForPort(httpPort);
    const url = `http://127.0.0.1:${httpPort}/api/users/1`;
    await autocannon({ url, connections: CONNECTIONS, duration: 2, headers });
    const run = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers });
    gateway.kill('SIGTERM');
    await exited(gateway);
    return { name, rps: run.requests.average, p50: run.latency.p50, p99: run.latency.p99, non2xx: run.non2xx };
  }
}

runBenchmark(main);
