import { useTempDir } from '../../helpers/cleanup';
import type { StatusReport } from '../../../app/src/status/status-report';
import { startStatusFixture } from '../../support/status-fixture';

const tempDir = useTempDir('uag-status-');

describe('GET /status on the admin port', () => {
  test('reports the active table, the live traffic, breakers, connections and reloads the gateway really has, and no secret', async () => {
    const fixture = await startStatusFixture(tempDir());
    const answer = await fetch(`${fixture.gateway.adminUrl}/status`);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const text = await answer.text();
    const status = JSON.parse(text) as StatusReport;

    expect(status.gateway).toMatchObject({ version: '9.9.9-test', commit: 'abc123', phase: 'serving', environment: 'local' });
    expect(status.routeTable.checksum).toBe(fixture.gateway.gateway.routes.current.checksum);
    expect(status.routeTable.rejectedPending).toBe(true);
    expect(status.routeTable.reloads.map((reload) => [reload.result, reload.added])).toEqual([
      ['rejected', []],
      ['applied', ['orders']],
    ]);
    expect(status.routeTable.reloads[0]!.problems).toEqual([expect.stringMatching(/not valid YAML at line 3, column \d+/)]);

    const routes = new Map(status.routeTable.routes.map((route) => [route.name, route]));
    expect([...routes.keys()]).toEqual(['users', 'payments', 'admin', 'chat', 'orders']);
    expect(routes.get('users')).toMatchObject({
      match: { pathPrefix: '/api/users', host: null, methods: ['GET'] },
      upstreams: [{ variant: '', weight: 1, targets: [`${fixture.origins.users}/v1`] }],
      auth: { mode: 'none' },
      limits: ['timeout 30000 ms', 'body ≤ 1048576 B', '1000/s burst 1000 per ip'],
    });
    expect(routes.get('admin')).toMatchObject({ match: { host: 'admin.example.test' }, auth: { mode: 'jwt', requireRoles: ['admin'] } });
    expect(routes.get('chat')!.websocket).toBe(true);
    // 40 requests to users, all answered 200; payments: 3 upstream 502s, then 2 refused by the open breaker (503).
    expect(routes.get('users')!.live.requestsPerSecond).toBeGreaterThan(0);
    expect(routes.get('users')!.live.errorRatio).toBe(0);
    expect(routes.get('users')!.live.p95Seconds).toBeGreaterThan(0);
    expect(routes.get('payments')!.live.errorRatio).toBe(1);
    expect(routes.get('orders')!.live).toEqual({ requestsPerSecond: 0, errorRatio: null, p95Seconds: null });

    const upstreams = new Map(status.upstreams.map((upstream) => [upstream.origin, upstream]));
    expect(upstreams.get(fixture.origins.payments)).toMatchObject({ breaker: 'open', live: { errorRatio: 1 } });
    expect(upstreams.get(fixture.origins.users)).toMatchObject({ routes: ['users', 'admin', 'orders'], breaker: null, live: { errorRatio: 0 } });
    expect(upstreams.get(fixture.origins.users)!.connections.connected).toBeGreaterThan(0);
    expect(status.connections).toEqual({ http: expect.any(Number), websocket: 2, tcp: 1 });
    expect(status.routeTable.tcp).toEqual([{ name: 'game', port: expect.any(Number), upstream: expect.stringMatching(/^127\.0\.0\.1:\d+$/) }]);
    expect(status.loadShedding).toMatchObject({ shedding: false, eventLoopDelayLimitMs: 1000, shedTotal: 0 });

    const page = await (await fetch(`${fixture.gateway.adminUrl}/`)).text();
    for (const shown of [text, page]) {
      expect(shown).not.toContain(fixture.secrets.redisPassword);
      expect(shown).not.toContain('BEGIN PUBLIC KEY');
      expect(shown).not.toContain(fixture.secrets.jwtPublicKey.split('\n')[1]!);
    }
  });
});
