import { SECRET_DATA_RULE } from '../../../../policies/k8s/cross-object/secret-data';
import type { KubernetesObject } from '../../../../policies/k8s/manifest-object';

function secret(body: Record<string, unknown>): KubernetesObject {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'gateway' }, ...body };
}

describe('no-secret-data', () => {
  it('passes a Secret that only declares its name and type', () => {
    expect(SECRET_DATA_RULE.check([secret({ type: 'Opaque' }), secret({ data: {} })])).toEqual([
      { subject: 'Secret/gateway/creds', violations: [] },
      { subject: 'Secret/gateway/creds', violations: [] },
    ]);
  });

  it('fails a Secret with data or stringData, naming both fields', () => {
    expect(SECRET_DATA_RULE.check([secret({ data: { token: 'c2VjcmV0' }, stringData: { url: 'redis://x' } })])).toEqual([
      { subject: 'Secret/gateway/creds', violations: ['Secret/gateway/creds: sets data and stringData; credentials must never be written to charts-out'] },
    ]);
  });

  it('ignores ConfigMaps and Secrets of other API groups', () => {
    expect(SECRET_DATA_RULE.check([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } }])).toEqual([]);
  });
});
