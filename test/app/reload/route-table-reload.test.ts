import { writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { RouteTableInput } from '../../../app/src/contract';
import { useTempDir } from '../../helpers/cleanup';
import { startLoopbackServer } from '../../helpers/loopback-server';
import { startTestGateway, type TestGateway } from '../../helpers/test-gateway';
import { metricValue, onCleanup, startUpstream, startWebSocketUpstream } from '../../support/edge-harness';

const POLL_MS = 100;
const tempDir = useTempDir('uag-reload-');
let fileCount = 0;

type Route = RouteTableInput['routes'][number];

function route(name: string, url: string, extra: Partial<Route> = {}): Route {
  return { name, match: { pathPrefix: `/${name}` }, upstream: { url }, ...extra };
}

async function gatewayWatching(routes: RouteTableInput, env: Record<string, string> = {}): Promise<TestGateway & { readonly file: string; write(table: RouteTableInput | string): void }> {
  const file = join(tempDir(), `routes-${++fileCount}.yaml`);
  const started = await startTestGateway({ routes, routesFile: file, env: { UAG_ROUTES_RELOAD_INTERVAL_MS: String(POLL_MS), ...env } });
  onCleanup(() => started.stop());
  return { ...started, file, write: (table) => writeFileSync(file, typeof table === 'string' ? table : JSON.stringify(table)) };
}

/** Resolves once `count` reloads were attempted (applied or rejected) since the gateway started. */
async function reloads(gateway: TestGateway, count: number, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (gateway.gateway.reloader.history.length < count) {
    if (Date.now() > deadline) throw new Error(`expected ${count} reload(s) within ${timeoutMs} ms, saw ${gateway.gateway.reloader.history.length}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function scrapeOf(gateway: TestGateway): Promise<string> {
  return (await fetch(`${gateway.adminUrl}/metrics`)).text();
}

describe('route table reload', () => {
  test('a route added to the file answers within one poll interval; routes that did not change keep answering throughout', async () => {
    const users = await startUpstream('users');
    const orders = await startUpstream('orders');
    const gateway = await gatewayWatching({ routes: [route('users', users.url)] });
    expect((await fetch(`${gateway.baseUrl}/orders/1`)).status).toBe(404);

    const writtenAt = Date.now();
    gateway.write({ routes: [route('users', users.url), route('orders', orders.url)] });
    let answeredAt = 0;
    while (answeredAt === 0) {
      const [newRoute, oldRoute] = await Promise.all([fetch(`${gateway.baseUrl}/orders/1`), fetch(`${gateway.baseUrl}/users/1`)]);
      expect(oldRoute.status).toBe(200);
      if (newRoute.status === 200) answeredAt = Date.now();
      else expect(Date.now() - writtenAt).toBeLessThan(2000);
    }
    // One interval, plus the probes' own round trips on a loaded machine.
    expect(answeredAt - writtenAt).toBeLessThanOrEqual(POLL_MS + 250);
    const scraped = await scrapeOf(gateway);
    expect(metricValue(scraped, 'gateway_config_reloads_total', { result: 'applied' })).toBe(1);
    expect(metricValue(scraped, 'gateway_config_info', { checksum: gateway.gateway.routes.current.checksum })).toBe(1);
    expect(gateway.logs.find((line) => line.msg === 'route table reloaded')).toMatchObject({ added: ['orders'], removed: [], changed: [] });
  });

  test('an invalid file is rejected: the old table keeps serving, readiness stays 200, one log line per problem with its line or field, and a revert clears the rejection', async () => {
    const users = await startUpstream('users');
    const valid = { routes: [route('users', users.url)] };
    const gateway = await gatewayWatching(valid);
    const loaded = metricValue(await scrapeOf(gateway), 'gateway_config_loaded_timestamp_seconds', {})!;

    gateway.write('routes:\n  - name: users\n    match: { pathPrefix: /users }\n  upstream: { url: nope }\n');
    await reloads(gateway, 1);
    const yamlProblems = gateway.logs.filter((line) => line.msg === 'route table rejected; the active one keeps serving');
    expect(yamlProblems.length).toBeGreaterThanOrEqual(1);
    for (const line of yamlProblems) expect(line.problem).toMatch(/not valid YAML at line \d+, column \d+/);

    gateway.write({ routes: [{ ...route('users', users.url), timeoutMs: -1 }, { ...route('second', users.url), name: 'Second' }] });
    await reloads(gateway, 2);
    const schemaProblems = gateway.logs.filter((line) => line.msg === 'route table rejected; the active one keeps serving').slice(yamlProblems.length);
    expect(schemaProblems.map((line) => line.problem)).toEqual([
      expect.stringContaining('routes[0].timeoutMs: must be 1..3600000'),
      expect.stringContaining('routes[1].name: must be 1-63 lower-case letters'),
    ]);

    expect((await fetch(`${gateway.baseUrl}/users/1`)).status).toBe(200);
    expect((await fetch(`${gateway.adminUrl}/health/ready`)).status).toBe(200);
    let scraped = await scrapeOf(gateway);
    expect(metricValue(scraped, 'gateway_config_reloads_total', { result: 'rejected' })).toBe(2);
    expect(metricValue(scraped, 'gateway_config_reloads_total', { result: 'applied' })).toBe(0);
    expect(metricValue(scraped, 'gateway_config_rejected_timestamp_seconds', {})).toBeGreaterThan(loaded);
    expect(gateway.gateway.reloader.rejectionPending).toBe(true);

    // The same bad file is not reported again on every poll.
    await new Promise((resolve) => setTimeout(resolve, POLL_MS * 3));
    expect(gateway.gateway.reloader.history).toHaveLength(2);

    gateway.write(valid);
    const deadline = Date.now() + 2000;
    while (gateway.gateway.reloader.rejectionPending && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    scraped = await scrapeOf(gateway);
    expect(metricValue(scraped, 'gateway_config_rejected_timestamp_seconds', {})).toBe(0);
    expect(metricValue(scraped, 'gateway_config_reloads_total', { result: 'applied' })).toBe(0);
  });

  test('a change to tcp: is rejected with a message saying it needs a rollout', async () => {
    const users = await startUpstream('users');
    const gateway = await gatewayWatching({ routes: [route('users', users.url)] });
    gateway.write({ routes: [route('users', users.url)], tcp: [{ name: 'game', port: 7777, upstream: { url: 'tcp://127.0.0.1:7000' } }] });
    await reloads(gateway, 1);
    expect(gateway.gateway.reloader.history[0]).toMatchObject({
      result: 'rejected',
      problems: [expect.stringMatching(/^tcp: the TCP listeners changed \(none -> game:7777\); .*roll the change out instead/)],
    });
  });

  test('an edit to an unrelated route keeps the breakers, rate-limit buckets, retry budgets and pooled connections of the others', async () => {
    const failing = await startUpstream('failing');
    failing.status = 503;
    const limited = await startUpstream('limited');
    const other = await startUpstream('other');
    const breaker = { consecutiveFailures: 2, coolDownMs: 60_000 };
    const table = (otherTimeoutMs: number): RouteTableInput => ({
      routes: [
        route('failing', failing.url, { circuitBreaker: breaker, retry: { attempts: 1 } }),
        route('limited', limited.url, { rateLimit: { requestsPerSecond: 0.01, burst: 1 } }),
        route('other', other.url, { timeoutMs: otherTimeoutMs }),
      ],
    });
    const gateway = await gatewayWatching(table(1000));
    for (let i = 0; i < 2; i++) await fetch(`${gateway.baseUrl}/failing/x`);
    expect((await fetch(`${gateway.baseUrl}/failing/x`)).status).toBe(503);
    expect(await fetch(`${gateway.baseUrl}/failing/x`).then((r) => r.json())).toMatchObject({ error: { code: 'UAG_ERR_CIRCUIT_OPEN' } });
    expect((await fetch(`${gateway.baseUrl}/limited/x`)).status).toBe(200);
    expect((await fetch(`${gateway.baseUrl}/limited/x`)).status).toBe(429);
    expect((await fetch(`${gateway.baseUrl}/other/x`)).status).toBe(200);
    const budgetBefore = gateway.gateway.routes.current.routes[0]!.retry!.budget;
    const otherSocket = other.seen.at(-1)!.socket;

    gateway.write(table(2000));
    await reloads(gateway, 1);
    expect(gateway.gateway.reloader.history[0]).toMatchObject({ result: 'applied', changes: { changed: ['other'] } });

    expect(await fetch(`${gateway.baseUrl}/failing/x`).then((r) => r.json())).toMatchObject({ error: { code: 'UAG_ERR_CIRCUIT_OPEN' } });
    expect((await fetch(`${gateway.baseUrl}/limited/x`)).status).toBe(429);
    expect(gateway.gateway.routes.current.routes[0]!.retry!.budget).toBe(budgetBefore);
    expect((await fetch(`${gateway.baseUrl}/other/x`)).status).toBe(200);
    expect(other.seen.at(-1)!.socket).toBe(otherSocket);
  });

  test("a route whose breaker settings change gets a new, closed breaker; its rate limit's new settings apply to the tokens its clients have left", async () => {
    const failing = await startUpstream('failing');
    failing.status = 503;
    const limited = await startUpstream('limited');
    const table = (consecutiveFailures: number, burst: number): RouteTableInput => ({
      routes: [
        route('failing', failing.url, { circuitBreaker: { consecutiveFailures, coolDownMs: 60_000 } }),
        route('limited', limited.url, { rateLimit: { requestsPerSecond: 0.01, burst } }),
      ],
    });
    const gateway = await gatewayWatching(table(2, 1));
    for (let i = 0; i < 2; i++) await fetch(`${gateway.baseUrl}/failing/x`);
    expect(await fetch(`${gateway.baseUrl}/failing/x`).then((r) => r.json())).toMatchObject({ error: { code: 'UAG_ERR_CIRCUIT_OPEN' } });
    expect((await fetch(`${gateway.baseUrl}/limited/x`)).status).toBe(200);

    gateway.write(table(3, 5));
    await reloads(gateway, 1);
    expect((await fetch(`${gateway.baseUrl}/failing/x`)).status).toBe(503);
    expect(metricValue(await scrapeOf(gateway), 'gateway_circuit_state', { upstream: failing.url })).toBe(0);
    // The bucket the client emptied is not refilled by the edit: a larger burst is not a fresh one.
    expect((await fetch(`${gateway.baseUrl}/limited/x`)).status).toBe(429);
  });

  test('a request in flight when its route is removed finishes on the old table; the removed upstream pool then closes its connections, and other pools keep theirs', async () => {
    const connections = new Set<Socket>();
    const slow = await startLoopbackServer((request, response) => {
      request.resume();
      setTimeout(() => response.writeHead(200).end('slow done'), 400);
    });
    onCleanup(() => slow.close());
    slow.server.on('connection', (socket: Socket) => connections.add(socket));
    const kept = await startUpstream('kept');
    const gateway = await gatewayWatching({ routes: [route('slow', slow.url), route('kept', kept.url)] });
    expect((await fetch(`${gateway.baseUrl}/kept/x`)).status).toBe(200);
    const keptSocket = kept.seen.at(-1)!.socket;

    const inFlight = fetch(`${gateway.baseUrl}/slow/x`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    gateway.write({ routes: [route('kept', kept.url)] });
    await reloads(gateway, 1);
    expect((await fetch(`${gateway.baseUrl}/slow/x`)).status).toBe(404);

    const answer = await inFlight;
    expect([answer.status, await answer.text()]).toEqual([200, 'slow done']);
    const socket = [...connections][0]!;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the removed upstream connection stayed open')), 2000);
      if (socket.destroyed) resolve();
      socket.once('close', () => (clearTimeout(timer), resolve()));
    });
    expect(keptSocket.destroyed).toBe(false);
    expect((await fetch(`${gateway.baseUrl}/kept/x`)).status).toBe(200);
    expect(kept.seen.at(-1)!.socket).toBe(keptSocket);
  });

  test('a table that fails to build (clashing breakers) is rejected and leaves no pool for its new upstream', async () => {
    const users = await startUpstream('users');
    const fresh = await startUpstream('fresh');
    const gateway = await gatewayWatching({ routes: [route('users', users.url)] });
    gateway.write({
      routes: [
        route('users', users.url),
        route('a', fresh.url, { circuitBreaker: { consecutiveFailures: 2 } }),
        route('b', fresh.url, { circuitBreaker: { consecutiveFailures: 3 } }),
      ],
    });
    await reloads(gateway, 1);
    expect(gateway.gateway.reloader.history[0]).toMatchObject({ result: 'rejected', problems: [expect.stringContaining('routes[2].circuitBreaker: differs from routes[1].circuitBreaker')] });
    const status = (await fetch(`${gateway.adminUrl}/status`).then((r) => r.json())) as { upstreams: { origin: string }[] };
    expect(status.upstreams.map((upstream) => upstream.origin)).toEqual([users.url]);
  });

  describe.each([
    ['keep', false],
    ['close', true],
  ] as const)('with UAG_RELOAD_REMOVED_CONNECTIONS=%s', (policy, closes) => {
    test(`WebSockets of a removed route ${closes ? 'get 1001 after the drain delay' : 'stay open and keep echoing'}; those of a kept route are never touched`, async () => {
      const { url } = await startWebSocketUpstream();
      const gateway = await gatewayWatching({ routes: [route('chat', url, { websocket: true }), route('game', url, { websocket: true })] }, { UAG_RELOAD_REMOVED_CONNECTIONS: policy, UAG_DRAIN_DELAY_MS: '300' });
      const open = async (path: string) => {
        const socket = new WebSocket(`ws://127.0.0.1:${gateway.gateway.httpAddress.port}${path}`);
        onCleanup(() => socket.terminate());
        await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
        return socket;
      };
      const echo = (socket: WebSocket, text: string) =>
        new Promise<string>((resolve) => {
          socket.once('message', (data) => resolve(String(data)));
          socket.send(text);
        });
      const chat = await open('/chat');
      const game = await open('/game');
      const chatClosed = new Promise<{ code: number; at: number }>((resolve) => chat.once('close', (code) => resolve({ code, at: Date.now() })));

      gateway.write({ routes: [route('game', url, { websocket: true })] });
      await reloads(gateway, 1);
      const appliedAt = gateway.gateway.reloader.history[0]!.at;
      if (closes) {
        const closed = await chatClosed;
        expect(closed.code).toBe(1001);
        expect(closed.at - appliedAt).toBeGreaterThanOrEqual(290);
      } else {
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(await echo(chat, 'still here')).toBe('still here');
      }
      expect(await echo(game, 'game on')).toBe('game on');
    });
  });
});
