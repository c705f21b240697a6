import { ENVIRONMENT_DEFAULTS, declaredPaths, defineEnvironment } from '../../../infra/environments';
import { prodOverrides } from '../../../infra/environments/prod';

describe('defineEnvironment', () => {
  const ingress = { hosts: ['a.example.com'], tlsCredentialName: 'a-tls' };

  it('lays overrides over the defaults, leaf by leaf', () => {
    const spec = defineEnvironment({ name: 'dev', ingress, gateway: { autoscaling: { maxReplicas: 5 } } });
    expect(spec.gateway.autoscaling).toEqual({ ...ENVIRONMENT_DEFAULTS.gateway.autoscaling, maxReplicas: 5 });
    expect(spec.gateway.resources).toEqual(ENVIRONMENT_DEFAULTS.gateway.resources);
    expect(spec.ingress).toEqual(ingress);
  });

  it('replaces arrays and union variants whole instead of mixing them', () => {
    const spec = defineEnvironment({
      name: 'dev',
      ingress,
      rollout: { previewTesterCidrs: ['203.0.113.0/24'] },
      observability: { traceStorage: { type: 'badger', volumeSize: '1Gi', retention: '24h' } },
    });
    expect(spec.rollout.previewTesterCidrs).toEqual(['203.0.113.0/24']);
    expect(spec.observability.traceStorage).toEqual({ type: 'badger', volumeSize: '1Gi', retention: '24h' });
  });

  it('does not modify the shared defaults', () => {
    defineEnvironment({ name: 'dev', ingress, gateway: { minAvailable: 9 } });
    defineEnvironment({ name: 'dev', ingress, routes: { remove: [ENVIRONMENT_DEFAULTS.routes.routes[0]!.name] } });
    expect(ENVIRONMENT_DEFAULTS.gateway.minAvailable).toBe(2);
    expect(ENVIRONMENT_DEFAULTS.routes.routes.length).toBeGreaterThan(1);
  });

  it('records the file and the declared fields for error messages', () => {
    expect(defineEnvironment({ name: 'staging', ingress, gateway: { minAvailable: 1 } }).source).toMatchObject({
      file: 'infra/environments/staging.ts',
      declared: ['name', 'ingress.hosts', 'ingress.tlsCredentialName', 'gateway.minAvailable'],
    });
    expect(defineEnvironment({ name: 'dev', ingress }, 'test/fixture.ts').source.file).toBe('test/fixture.ts');
  });
});

describe('declaredPaths', () => {
  it('lists every leaf an environment file sets', () => {
    expect(declaredPaths(prodOverrides)).toEqual([
      'name',
      'ingress.hosts',
      'ingress.tlsCredentialName',
      'gateway.shutdownTimeoutMs',
      'gateway.drainDelayMs',
      'gateway.logLevel',
      'gateway.routeChanges',
      'slo.availability',
      'rollout.strategy',
      'rollout.previewReplicas',
      'rollout.analysis.count',
      'rollout.analysis.failureLimit',
      'rollout.analysis.maxErrorRatio',
      'rollout.analysis.minRequests',
      'observability.prometheusReplicas',
      'observability.prometheusAdapterReplicas',
      'observability.prometheusRetention',
      'observability.prometheusStorage',
      'observability.alertmanagerReplicas',
      'observability.traceSamplingRatio',
      'observability.traceStorage',
    ]);
  });
});
