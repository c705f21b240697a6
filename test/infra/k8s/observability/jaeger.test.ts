import { parse } from 'yaml';
import { JAEGER_VERSION, Jaeger } from '../../../../infra/k8s/observability/jaeger';
import { OTLP_ENDPOINT } from '../../../../infra/k8s/platform-names';
import { find, synth } from '../../fixtures';

describe('Jaeger', () => {
  it('keeps traces in memory by default, on a pinned v2 image, and serves OTLP where the gateway exports', () => {
    const objects = synth((chart) => new Jaeger(chart, 'j', { namespace: 'observability' }));
    const config = parse(find(objects, 'ConfigMap', 'jaeger-config').data['config.yaml']);
    expect(config.extensions.jaeger_storage.backends.primary).toEqual({ memory: { max_traces: 50_000 } });
    expect(config.receivers.otlp.protocols.http.endpoint).toBe('0.0.0.0:4318');
    expect(OTLP_ENDPOINT).toBe('http://jaeger.observability.svc.cluster.local:4318');
    const deployment = find(objects, 'Deployment', 'jaeger');
    expect(deployment.spec.template.spec.containers[0].image).toBe(`jaegertracing/jaeger:${JAEGER_VERSION}`);
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
    expect(objects.filter((o) => o.kind === 'PersistentVolumeClaim')).toEqual([]);
  });

  it('keeps traces on a volume with a retention when badger is chosen', () => {
    const objects = synth((chart) => new Jaeger(chart, 'j', { namespace: 'observability', storage: { type: 'badger', volumeSize: '20Gi', retention: '72h' } }));
    const config = parse(find(objects, 'ConfigMap', 'jaeger-config').data['config.yaml']);
    expect(config.extensions.jaeger_storage.backends.primary.badger.ttl).toEqual({ spans: '72h' });
    expect(find(objects, 'PersistentVolumeClaim', 'jaeger-data').spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } }, volumeMode: 'Filesystem' });
    const deployment = find(objects, 'Deployment', 'jaeger');
    expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
    expect(deployment.spec.template.spec.volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'jaeger-data', readOnly: false } });
  });
});
