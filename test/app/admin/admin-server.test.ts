import { createAdminServer } from '../../../app/src/admin/admin-server';
import { ADMIN_PATHS } from '../../../app/src/contract';
import { LifecycleState } from '../../../app/src/lifecycle/lifecycle-state';
import { GatewayMetrics } from '../../../app/src/telemetry/gateway-metrics';
import { TEST_BUILD } from '../../helpers/test-gateway';

function adminFor(lifecycle: LifecycleState) {
  const status = () => Promise.reject(new Error('the status page is tested with a running gateway (test/app/status/)'));
  return createAdminServer({ lifecycle, metrics: new GatewayMetrics(TEST_BUILD), build: TEST_BUILD, environment: 'staging', status });
}

async function statusOf(lifecycle: LifecycleState, path: string): Promise<[number, unknown]> {
  const app = adminFor(lifecycle);
  const response = await app.inject({ method: 'GET', url: path });
  await app.close();
  return [response.statusCode, response.json()];
}

describe('admin server', () => {
  it.each([
    ['starting', ADMIN_PATHS.startup, 503, { status: 'starting' }],
    ['starting', ADMIN_PATHS.ready, 503, { status: 'starting' }],
    ['starting', ADMIN_PATHS.live, 200, { status: 'ok' }],
    ['serving', ADMIN_PATHS.startup, 200, { status: 'started' }],
    ['serving', ADMIN_PATHS.ready, 200, { status: 'ready' }],
    ['draining', ADMIN_PATHS.ready, 503, { status: 'draining' }],
    ['draining', ADMIN_PATHS.live, 200, { status: 'ok' }],
    ['draining', ADMIN_PATHS.startup, 200, { status: 'started' }],
    ['closing', ADMIN_PATHS.ready, 503, { status: 'closing' }],
  ] as const)('while %s, %s answers %i', async (phase, path, status, body) => {
    const lifecycle = new LifecycleState();
    lifecycle.enter(phase);
    expect(await statusOf(lifecycle, path)).toEqual([status, body]);
  });

  it('serves the build stamp and environment on /version', async () => {
    const lifecycle = new LifecycleState();
    expect(await statusOf(lifecycle, ADMIN_PATHS.version)).toEqual([200, { ...TEST_BUILD, environment: 'staging', node: process.version }]);
  });

  it('serves Prometheus text on /metrics', async () => {
    const app = adminFor(new LifecycleState());
    const response = await app.inject({ method: 'GET', url: ADMIN_PATHS.metrics });
    await app.close();
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.body).toContain('# TYPE gateway_requests_total counter');
  });
});
