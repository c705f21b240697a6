import { admit, compliantObject, violationsOf } from '../policy-fixtures';

describe('health-probes', () => {
  it('passes when each container has liveness and readiness probes', () => {
    expect(violationsOf(admit('health-probes', compliantObject('dev', 'Deployment/gateway/gateway')))).toEqual([]);
  });

  it('fails for a missing readiness probe', () => {
    const gateway = compliantObject('dev', 'Deployment/gateway/gateway');
    delete gateway.spec.template.spec.containers[0].readinessProbe;
    expect(violationsOf(admit('health-probes', gateway))).toEqual(['Deployment gateway/gateway: container(s) gateway have no readinessProbe']);
  });

  it('does not apply to CronJobs, Jobs or Pods that run to completion', () => {
    expect(violationsOf(admit('health-probes', compliantObject('dev', 'CronJob/observability/retention-cleanup')))).toBe('not applicable');
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'x' }, spec: { template: { spec: { containers: [{ name: 'c' }] } } } };
    expect(violationsOf(admit('health-probes', job))).toBe('not applicable');
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'x' }, spec: { restartPolicy: 'Never', containers: [{ name: 'c' }] } };
    expect(violationsOf(admit('health-probes', pod))).toBe('not applicable');
  });

  it('leaves Pods a controller created to the check on their workload', () => {
    const owned = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'gateway-7d9f', namespace: 'gateway', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'gateway-7d9f', uid: 'u' }] },
      spec: { containers: [{ name: 'gateway', livenessProbe: {}, readinessProbe: {} }, { name: 'istio-proxy', readinessProbe: {} }] },
    };
    expect(violationsOf(admit('health-probes', owned))).toBe('not applicable');
  });

  it('applies to long-running Pods written by hand', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'x' }, spec: { containers: [{ name: 'c', livenessProbe: {} }] } };
    expect(violationsOf(admit('health-probes', pod))).toEqual(['Pod x/p: container(s) c have no readinessProbe']);
  });
});
