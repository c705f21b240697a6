import type { ManifestObject } from '../../../policies/k8s/manifest-object';
import { diffCharts, formatChartDiff } from '../../../infra/synth/chart-diff';

const entry = (environment: string, object: Record<string, unknown>): ManifestObject =>
  ({ environment, file: `${environment}/gateway.k8s.yaml`, object }) as unknown as ManifestObject;
const configMap = (data: Record<string, string>, labels: Record<string, string> = { app: 'gateway' }) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'gateway-routes', namespace: 'gateway', labels },
  data,
});
const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'gateway', namespace: 'gateway' }, spec: { ports: [{ port: 80 }] } };
const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'uag-reader' }, rules: [] };

describe('diffCharts', () => {
  it('lists objects added, removed and changed per environment, with every changed field', () => {
    const current = [entry('dev', configMap({ 'routes.yaml': 'routes:\n  - a\n' })), entry('dev', service), entry('prod', service)];
    const next = [entry('dev', configMap({ 'routes.yaml': 'routes:\n  - a\n  - b\n' }, { app: 'gateway', 'app.kubernetes.io/part-of': 'uag' })), entry('dev', role), entry('prod', service)];
    const diffs = diffCharts(current, next);
    expect(diffs).toEqual([
      {
        environment: 'dev',
        added: ['ClusterRole /uag-reader'],
        removed: ['Service gateway/gateway'],
        changed: [
          {
            object: 'ConfigMap gateway/gateway-routes',
            fields: [
              { path: 'metadata.labels["app.kubernetes.io/part-of"]', after: 'uag' },
              { path: 'data["routes.yaml"]', before: 'routes:\n  - a\n', after: 'routes:\n  - a\n  - b\n' },
            ],
          },
        ],
        objects: 2,
      },
      { environment: 'prod', added: [], removed: [], changed: [], objects: 1 },
    ]);
    expect(formatChartDiff(diffs)).toBe(
      [
        'dev: 1 changed, 1 added, 1 removed (2 objects)',
        '  + ClusterRole /uag-reader',
        '  - Service gateway/gateway',
        '  ~ ConfigMap gateway/gateway-routes',
        '      metadata.labels["app.kubernetes.io/part-of"]: added "uag"',
        '      data["routes.yaml"]:',
        '        +   - b',
        'prod: no change (1 objects)',
      ].join('\n'),
    );
  });

  it('shows a changed scalar as before -> after and a dropped field as removed', () => {
    const changedPort = { ...service, spec: { ports: [{ port: 8080 }] } };
    const unlabelled = { ...service, metadata: { name: 'gateway', namespace: 'gateway' }, spec: { ports: [{ port: 80 }], type: 'ClusterIP' } };
    expect(formatChartDiff(diffCharts([entry('staging', unlabelled)], [entry('staging', changedPort)]))).toBe(
      ['staging: 1 changed, 0 added, 0 removed (1 objects)', '  ~ Service gateway/gateway', '      spec.ports[0].port: 80 -> 8080', '      spec.type: removed (was "ClusterIP")'].join('\n'),
    );
  });
});
