import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { loopbackUpstreamsOf } from '../../app/demo/demo-upstreams';
import { loadRouteTableFile } from '../../app/src/config/route-table-loader';
import { useCleanup } from '../helpers/cleanup';
import { buildGatewayBundle, servingPorts, watchGatewayOutput, type GatewayProcess } from '../helpers/gateway-process';
import { echoHandler, startLoopbackServer } from '../helpers/loopback-server';

const ROOT = join(__dirname, '..', '..');
const DRAIN_DELAY_MS = 1500;

const track = useCleanup();
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'uag-local-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/**
 * `npm <args>` as a terminal runs it: the leader of its own process group, so that
 * `process.kill(-pid, signal)` reaches npm, the runner and the gateway at once, as Ctrl-C does.
 * Only the variables a test sets reach it from the UAG_ namespace.
 */
async function npm(args: string[], env: Record<string, string>): Promise<GatewayProcess> {
  const upstream = track(await startLoopbackServer(echoHandler));
  const routes = join(dir, 'routes.yaml');
  writeFileSync(routes, `routes:\n  - name: users\n    match: { pathPrefix: /api/users }\n    upstream: { url: ${upstream.url} }\n`);
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('UAG_')));
  const child = spawn('npm', args, {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...inherited, UAG_ROUTES_FILE: routes, UAG_HTTP_PORT: '0', UAG_ADMIN_PORT: '0', UAG_DRAIN_DELAY_MS: String(DRAIN_DELAY_MS), ...env },
  });
  const run = watchGatewayOutput(child, { processGroup: true });
  track({ close: () => run.kill() });
  return run;
}

async function readiness(admin: number): Promise<number> {
  const response = await request(`http://127.0.0.1:${admin}/health/ready`);
  await response.body.dump();
  return response.statusCode;
}

/** One SIGINT to the whole process group, as Ctrl-C sends it; resolves once readiness answers 503. */
async function interruptGroup(run: GatewayProcess, admin: number): Promise<{ readinessFlippedAfterMs: number; signalAt: number }> {
  const signalAt = Date.now();
  process.kill(-run.child.pid!, 'SIGINT');
  for (;;) {
    if ((await readiness(admin)) === 503) return { readinessFlippedAfterMs: Date.now() - signalAt, signalAt };
    if (Date.now() - signalAt > 2000) throw new Error('readiness still 200 two seconds after SIGINT');
  }
}

describe('npm run dev and npm start (scripts/local-gateway.ts)', () => {
  it('one SIGINT to the `npm run dev` process group drains: readiness 503, serving on, exit 0 after the drain delay', async () => {
    const run = await npm(['run', 'dev'], {});
    const { http, admin } = await servingPorts(run, 30_000);
    const { readinessFlippedAfterMs, signalAt } = await interruptGroup(run, admin);
    expect(readinessFlippedAfterMs).toBeLessThan(500);

    const during = await request(`http://127.0.0.1:${http}/api/users/1`);
    await during.body.dump();
    expect(during.statusCode).toBe(200);

    expect(await run.exited).toBe(0);
    expect(Date.now() - signalAt).toBeGreaterThanOrEqual(DRAIN_DELAY_MS);
    const messages = run.lines.map((line) => line.msg);
    expect(messages.filter((msg) => msg === 'drain started: readiness now 503')).toHaveLength(1);
    expect(messages).not.toContain('second signal: exiting at once');
    expect(messages).toContain('telemetry flushed; exiting');
  }, 60_000);

  it('a second SIGINT to the group exits at once with 130', async () => {
    const run = await npm(['run', 'dev'], { UAG_DRAIN_DELAY_MS: '20000' });
    const { admin } = await servingPorts(run, 30_000);
    await interruptGroup(run, admin);
    const secondAt = Date.now();
    process.kill(-run.child.pid!, 'SIGINT');
    expect(await run.exited).toBe(130);
    expect(Date.now() - secondAt).toBeLessThan(5000);
    expect(run.lines.map((line) => line.msg)).toContain('second signal: exiting at once');
  }, 60_000);

  it('a SIGTERM to npm alone (a supervisor stopping it) reaches the gateway once: it drains and npm exits 0', async () => {
    const run = await npm(['run', 'dev'], { UAG_DRAIN_DELAY_MS: '200' });
    await servingPorts(run, 30_000);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    const messages = run.lines.map((line) => line.msg);
    expect(run.lines.find((line) => line.msg === 'drain started: readiness now 503')).toMatchObject({ reason: 'SIGTERM' });
    expect(messages).not.toContain('second signal: exiting at once');
  }, 60_000);

  it('`npm start` (the bundle) exits 0 after a clean drain on one SIGINT to its group', async () => {
    const { bundle, folder } = await buildGatewayBundle();
    track({ close: () => rmSync(folder, { recursive: true, force: true }) });
    const run = await npm(['start', '--', bundle], { UAG_DRAIN_DELAY_MS: '300' });
    const { admin } = await servingPorts(run, 30_000);
    await interruptGroup(run, admin);
    expect(await run.exited).toBe(0);
    expect(run.lines.map((line) => line.msg)).toContain('telemetry flushed; exiting');
  }, 60_000);
});

describe('demo upstreams', () => {
  it('are the loopback upstreams of the sample route table, where the README sends its curl lines', () => {
    expect(loopbackUpstreamsOf(loadRouteTableFile(join(ROOT, 'app', 'routes.sample.yaml')))).toEqual([
      { name: 'users', host: '127.0.0.1', port: 5001 },
      { name: 'order-service', host: '127.0.0.1', port: 5002 },
    ]);
  });
});
