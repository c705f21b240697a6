import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { useCleanup } from '../helpers/cleanup';
import { buildGatewayBundle, servingPorts, spawnGateway, type GatewayProcess } from '../helpers/gateway-process';
import { echoHandler, startLoopbackServer } from '../helpers/loopback-server';

// Start-up took twice as long once the edge features landed because every gateway loaded the
// JWT machinery, the Redis client and the OpenTelemetry SDK whether its configuration used them
// or not. These tests run the bundle as the image does and read which packages it has loaded.
const LOADED_WHEN_CONFIGURED = ['jose', 'ioredis', '@opentelemetry/sdk-node', '@opentelemetry/sdk-trace-base', '@opentelemetry/exporter-trace-otlp-proto'];

const track = useCleanup();
let bundle: string;
let folder: string;
let dir: string;
beforeAll(async () => {
  ({ bundle, folder } = await buildGatewayBundle());
  dir = mkdtempSync(join(tmpdir(), 'uag-startup-'));
  // Preloaded into the gateway: on SIGUSR2 it writes the node_modules packages loaded so far.
  writeFileSync(
    join(dir, 'report-packages.js'),
    `process.on('SIGUSR2', () => {
      const packages = new Set(Object.keys(require.cache).map((path) => /node_modules\\/((@[^/]+\\/)?[^/]+)/.exec(path)?.[1]).filter(Boolean));
      process.stderr.write(JSON.stringify({ packages: [...packages].sort() }) + '\\n');
    });\n`,
  );
}, 60_000);
afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

async function loadedPackages(gateway: GatewayProcess): Promise<string[]> {
  const before = gateway.stderr.length;
  gateway.child.kill('SIGUSR2');
  for (let waited = 0; gateway.stderr.length === before; waited += 10) {
    if (waited > 5000) throw new Error('the gateway did not report its packages');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return (JSON.parse(gateway.stderr[before]!) as { packages: string[] }).packages;
}

function start(routeTable: string, env: Record<string, string> = {}): GatewayProcess {
  const routes = join(dir, `routes-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(routes, routeTable);
  const gateway = spawnGateway({ UAG_ROUTES_FILE: routes, UAG_DRAIN_DELAY_MS: '0', NODE_OPTIONS: `--require ${join(dir, 'report-packages.js')}`, ...env }, { bundle });
  track({ close: () => gateway.kill() });
  return gateway;
}

describe('start-up loads what the configuration uses, and only then', () => {
  it('a route table without auth, rate limits in Redis or tracing loads none of jose, ioredis or the OpenTelemetry SDK', async () => {
    const upstream = track(await startLoopbackServer(echoHandler));
    const gateway = start(`routes:\n  - name: users\n    match: { pathPrefix: /api/users }\n    upstream: { url: ${upstream.url} }\n    rateLimit: { requestsPerSecond: 5 }\n`);
    await servingPorts(gateway);
    const loaded = await loadedPackages(gateway);
    expect(loaded.filter((name) => LOADED_WHEN_CONFIGURED.includes(name))).toEqual([]);
  });

  it('with JWT auth, a Redis rate-limit store and tracing, all are loaded before "gateway serving", none on the first request', async () => {
    const upstream = track(await startLoopbackServer(echoHandler));
    const { publicKey } = await import('node:crypto').then(({ generateKeyPairSync }) => generateKeyPairSync('ec', { namedCurve: 'P-256' }));
    const gateway = start(
      [
        'auth:',
        '  jwt: { publicKeyFromEnv: true, issuer: https://issuer.test/, audience: uag, algorithms: [ES256] }',
        'routes:',
        '  - name: users',
        '    match: { pathPrefix: /api/users }',
        `    upstream: { url: ${upstream.url} }`,
        '    rateLimit: { requestsPerSecond: 5 }',
        '    auth: none',
        '',
      ].join('\n'),
      {
        UAG_JWT_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        // Nothing listens on either: connecting and exporting happen after start-up, and fail quietly.
        UAG_REDIS_URL: 'redis://127.0.0.1:1',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1',
      },
    );
    const { http } = await servingPorts(gateway);
    const atStart = await loadedPackages(gateway);
    expect(LOADED_WHEN_CONFIGURED.filter((name) => !atStart.includes(name))).toEqual([]);
    const response = await request(`http://127.0.0.1:${http}/api/users/1`, { headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } });
    await response.body.dump();
    expect(await loadedPackages(gateway)).toEqual(atStart);
  });
});
