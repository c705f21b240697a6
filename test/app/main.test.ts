import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { spawnGateway, servingPorts, type GatewayProcess } from '../helpers/gateway-process';
import { echoHandler, startLoopbackServer } from '../helpers/loopback-server';
import { useCleanup } from '../helpers/cleanup';

const track = useCleanup();
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'uag-main-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function routesFile(upstreamUrl: string): string {
  const path = join(dir, 'routes.yaml');
  writeFileSync(path, `routes:\n  - name: users\n    match: { pathPrefix: /api/users }\n    upstream: { url: ${upstreamUrl} }\n`);
  return path;
}

function run(env: Record<string, string>): GatewayProcess {
  const gateway = spawnGateway(env);
  track({ close: () => gateway.kill() });
  return gateway;
}

describe('start-up configuration errors', () => {
  it.each([
    [{ UAG_HTTP_PORT: 'abc' }, 'uag: invalid configuration: UAG_HTTP_PORT: must be a port number 0..65535 (0 picks a free port) (got "abc")'],
    [{ UAG_ENV: 'qa' }, 'uag: invalid configuration: UAG_ENV: must be one of local, dev, staging, prod (got "qa")'],
  ])('exits 78 with one line naming the variable for %j, starting nothing', async (env, message) => {
    const gateway = run({ UAG_ROUTES_FILE: routesFile('http://127.0.0.1:1'), ...env });
    expect(await gateway.exited).toBe(78);
    expect(gateway.stderr).toEqual([message]);
    expect(gateway.lines.some((line) => line.msg === 'gateway serving')).toBe(false);
  });

  it('UAG_TRUSTED_PROXIES=10.0.0.0/33 exits 78 with one line naming the variable, not a stack trace and exit 1', async () => {
    const gateway = run({ UAG_ROUTES_FILE: routesFile('http://127.0.0.1:1'), UAG_TRUSTED_PROXIES: '10.0.0.0/8,10.0.0.0/33' });
    expect(await gateway.exited).toBe(78);
    expect(gateway.stderr).toEqual([
      'uag: invalid configuration: UAG_TRUSTED_PROXIES: must be a comma-separated list of IP addresses or CIDRs (prefix length 1..32 for IPv4, 1..128 for IPv6), e.g. 10.0.0.0/8,127.0.0.1; "10.0.0.0/33" is not (got "10.0.0.0/8,10.0.0.0/33")',
    ]);
  });

  it('reports a cross-field problem (UAG_DRAIN_DELAY_MS against UAG_SHUTDOWN_TIMEOUT_MS) together with the other problems', async () => {
    const gateway = run({ UAG_ROUTES_FILE: routesFile('http://127.0.0.1:1'), UAG_HTTP_PORT: 'x', UAG_DRAIN_DELAY_MS: '40000' });
    expect(await gateway.exited).toBe(78);
    expect(gateway.stderr).toEqual([
      'uag: invalid configuration: UAG_HTTP_PORT: must be a port number 0..65535 (0 picks a free port) (got "x")',
      'uag: invalid configuration: UAG_DRAIN_DELAY_MS: must be less than UAG_SHUTDOWN_TIMEOUT_MS (40000 >= 30000); in-flight requests need time after the drain delay',
    ]);
  });

  it('names line and column of a YAML syntax error in the route table', async () => {
    const path = join(dir, 'broken.yaml');
    // `upstream` is indented one space short of its route.
    writeFileSync(path, 'routes:\n  - name: a\n    match: { pathPrefix: /a }\n   upstream: { url: http://127.0.0.1:1 }\n');
    const gateway = run({ UAG_ROUTES_FILE: path });
    expect(await gateway.exited).toBe(78);
    expect(gateway.stderr).toEqual([`uag: invalid configuration: UAG_ROUTES_FILE (${path}): not valid YAML at line 4, column 1: Sequence item without - indicator`]);
  });

  it('a configuration problem found while the gateway is built (a JWT key source) also exits 78 with one line', async () => {
    const path = join(dir, 'jwt.yaml');
    writeFileSync(
      path,
      'auth:\n  jwt: { publicKeyFromEnv: true, issuer: https://issuer.test/, audience: uag }\nroutes:\n  - name: a\n    match: { pathPrefix: /a }\n    upstream: { url: http://127.0.0.1:1 }\n',
    );
    const gateway = run({ UAG_ROUTES_FILE: path });
    expect(await gateway.exited).toBe(78);
    expect(gateway.stderr).toEqual(['uag: invalid configuration: auth.jwt.publicKeyFromEnv: UAG_JWT_PUBLIC_KEY is unset; set it to a PEM (SPKI) or JWK public key']);
  });

  it('warns by name about an unknown UAG_ variable (a typo) and suggests the closest known one', async () => {
    const upstream = track(await startLoopbackServer(echoHandler));
    const gateway = run({ UAG_ROUTES_FILE: routesFile(upstream.url), UAG_HTTP_PORTT: '8081' });
    await servingPorts(gateway);
    expect(gateway.lines.filter((line) => line.level === 'warn')).toEqual([
      expect.objectContaining({ variable: 'UAG_HTTP_PORTT', did_you_mean: 'UAG_HTTP_PORT', msg: 'UAG_HTTP_PORTT is set but the gateway does not read it; did you mean UAG_HTTP_PORT?' }),
    ]);
  });

  it('"port in use" is one line naming the address and the variable to change, without a stack trace', async () => {
    const holder = track(await startLoopbackServer(echoHandler));
    const port = new URL(holder.url).port;
    const gateway = run({ UAG_ROUTES_FILE: routesFile(holder.url), UAG_HTTP_PORT: port });
    expect(await gateway.exited).toBe(1);
    expect(gateway.stderr).toEqual([`uag: cannot start: data-plane listener: 127.0.0.1:${port} is already in use; stop what holds it or set UAG_HTTP_PORT to a free port (0 picks one)`]);
  });

  it('exits 78 naming the route-table field', async () => {
    const path = join(dir, 'bad.yaml');
    writeFileSync(path, 'routes:\n  - name: a\n    match: { pathPrefix: /a }\n    upstream: { service: a, namespace: b, port: 70000 }\n');
    const gateway = run({ UAG_ROUTES_FILE: path });
    expect(await gateway.exited).toBe(78);
    expect(gateway.stderr).toEqual([`uag: invalid configuration: UAG_ROUTES_FILE (${path}): routes[0].upstream.port: must be 1..65535`]);
  });
});

describe('lifecycle', () => {
  it('logs the build at start and serves /version and the probes', async () => {
    const upstream = track(await startLoopbackServer(echoHandler));
    const gateway = run({ UAG_ROUTES_FILE: routesFile(upstream.url) });
    const { admin } = await servingPorts(gateway);
    expect(gateway.lines.find((line) => line.msg === 'uag starting')).toMatchObject({ version: expect.any(String), commit: expect.any(String) });
    const version = await (await request(`http://127.0.0.1:${admin}/version`)).body.json();
    expect(version).toMatchObject({ version: expect.any(String), commit: expect.any(String), buildTime: expect.any(String), environment: 'local' });
    for (const path of ['/health/live', '/health/ready', '/health/startup']) {
      const response = await request(`http://127.0.0.1:${admin}${path}`);
      await response.body.dump();
      expect([path, response.statusCode]).toEqual([path, 200]);
    }
  });

  it('exports spans over OTLP/HTTP when an endpoint is set, and flushes them before exiting', async () => {
    const upstream = track(await startLoopbackServer(echoHandler));
    const exports: { path: string; contentType: string; body: Buffer }[] = [];
    const collector = track(
      await startLoopbackServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
          exports.push({ path: req.url ?? '', contentType: req.headers['content-type'] ?? '', body: Buffer.concat(chunks) });
          res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
        });
      }),
    );
    const gateway = run({ UAG_ROUTES_FILE: routesFile(upstream.url), UAG_DRAIN_DELAY_MS: '0', OTEL_EXPORTER_OTLP_ENDPOINT: collector.url });
    const { http } = await servingPorts(gateway);
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    await (await request(`http://127.0.0.1:${http}/api/users/1`, { headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01` } })).body.dump();
    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);

    expect(gateway.lines.find((line) => line.msg === 'tracing enabled')).toMatchObject({ sampler: 'parentbased_traceidratio', sample_ratio: 0.1 });
    expect(exports.map((e) => [e.path, e.contentType])).toContainEqual(['/v1/traces', 'application/x-protobuf']);
    const payload = Buffer.concat(exports.map((e) => e.body));
    expect(payload.includes(Buffer.from(traceId, 'hex'))).toBe(true);
    expect(payload.includes(Buffer.from('unified-access-gateway'))).toBe(true);
    expect(upstream.requests[0]!.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
  });

  it('drains on SIGTERM: readiness 503 at once, serves through the drain delay, finishes in-flight work, exits 0', async () => {
    const upstream = track(
      await startLoopbackServer((req, res) => {
        const delay = req.url?.startsWith('/api/users/slow') ? 1000 : 0;
        setTimeout(() => echoHandler(req, res), delay);
      }),
    );
    const drainDelayMs = 1000;
    const shutdownTimeoutMs = 8000;
    const gateway = run({ UAG_ROUTES_FILE: routesFile(upstream.url), UAG_DRAIN_DELAY_MS: String(drainDelayMs), UAG_SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs) });
    const { http, admin } = await servingPorts(gateway);
    const base = `http://127.0.0.1:${http}`;

    // A steady stream over keep-alive connections, as a load balancer would send.
    const results: { sentAt: number; status: number | string }[] = [];
    let streaming = true;
    const stream = (async () => {
      while (streaming) {
        const sentAt = Date.now();
        try {
          const response = await request(`${base}/api/users/${results.length}`);
          await response.body.dump();
          results.push({ sentAt, status: response.statusCode });
        } catch (error) {
          results.push({ sentAt, status: (error as Error).message });
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 200));

    const signalAt = Date.now();
    gateway.child.kill('SIGTERM');
    let readinessFlippedAfter = Number.POSITIVE_INFINITY;
    while (Date.now() - signalAt < 1000) {
      const response = await request(`http://127.0.0.1:${admin}/health/ready`);
      await response.body.dump();
      if (response.statusCode === 503) {
        readinessFlippedAfter = Date.now() - signalAt;
        break;
      }
    }
    expect(readinessFlippedAfter).toBeLessThan(100);

    // Sent during the drain delay, still in flight when the listener closes at drainDelayMs.
    await new Promise((resolve) => setTimeout(resolve, drainDelayMs * 0.6));
    const inFlight = request(`${base}/api/users/slow`).then(async (response) => ({ status: response.statusCode, body: await response.body.json() }));
    await new Promise((resolve) => setTimeout(resolve, drainDelayMs * 0.2));
    streaming = false;
    await stream;

    const duringDrain = results.filter((r) => r.sentAt >= signalAt);
    expect(duringDrain.length).toBeGreaterThan(5);
    expect(results.filter((r) => r.status !== 200)).toEqual([]);
    await expect(inFlight).resolves.toMatchObject({ status: 200, body: { url: '/api/users/slow' } });

    const code = await gateway.exited;
    const exitedAfter = Date.now() - signalAt;
    expect(code).toBe(0);
    expect(exitedAfter).toBeLessThan(shutdownTimeoutMs);
    const phases = gateway.lines.map((line) => line.msg);
    expect(phases).toEqual(expect.arrayContaining(['drain started: readiness now 503', 'drain delay over: listener closed, waiting for in-flight requests', 'in-flight requests done', 'listeners stopped', 'telemetry flushed; exiting']));
    expect(phases).not.toContain('shutdown timeout reached: force-closing remaining connections');
  });

  it('force-closes what is left at UAG_SHUTDOWN_TIMEOUT_MS and still exits 0', async () => {
    const upstream = track(await startLoopbackServer(() => undefined));
    const gateway = run({ UAG_ROUTES_FILE: routesFile(upstream.url), UAG_DRAIN_DELAY_MS: '0', UAG_SHUTDOWN_TIMEOUT_MS: '500' });
    const { http } = await servingPorts(gateway);
    const stuck = request(`http://127.0.0.1:${http}/api/users/forever`).then(
      (response) => response.statusCode,
      (error: Error) => error.message,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    gateway.child.kill('SIGTERM');
    const code = await gateway.exited;
    expect([code, gateway.stderr]).toEqual([0, []]);
    expect(gateway.lines.map((line) => line.msg)).toContain('shutdown timeout reached: force-closing remaining connections');
    expect(await stuck).not.toBe(200);
  });

  it('exits at once on a second signal', async () => {
    const upstream = track(await startLoopbackServer(echoHandler));
    const gateway = run({ UAG_ROUTES_FILE: routesFile(upstream.url), UAG_DRAIN_DELAY_MS: '10000', UAG_SHUTDOWN_TIMEOUT_MS: '20000' });
    await servingPorts(gateway);
    gateway.child.kill('SIGTERM');
    await gateway.waitForLog('drain started: readiness now 503');
    gateway.child.kill('SIGINT');
    expect(await gateway.exited).toBe(130);
  });
});
