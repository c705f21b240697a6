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
      routes: { routes: [{ name: 'only', match: { pathPrefix: '/' }, upstream: { service: 's', namespace: 'n', port: 80 } }] },
      observability: { traceStorage: { type: 'badger', volumeSize: '1Gi', retention: '24h' } },
    });
    expect(spec.routes.routes).toHaveLength(1);
    expect(spec.observability.traceStorage).toEqual({ type: 'badger', volumeSize: '1Gi', retention: '24h' });
  });

  it('does not modify the shared defaults', () => {
    defineEnvironment({ name: 'dev', ingress, gateway: { minAvailable: 9 } });
    expect(ENVIRONMENT_DEFAULTS.gateway.minAvailable).toBe(2);
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
      'alerts.errorRatio',
      'rollout.strategy',
      'rollout.previewReplicas',
      'rollout.analysis.count',
      'rollout.analysis.failureLimit',
      'rollout.analysis.minSuccessRatio',
      'observability.prometheusReplicas',
      'observability.prometheusRetention',
      'observability.alertmanagerReplicas',
      'observability.traceSamplingRatio',
      'observability.traceStorage',
    ]);
  });
});
