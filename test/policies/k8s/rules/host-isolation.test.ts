import { admit, compliantObject, violationsOf } from '../policy-fixtures';

function gateway(): Record<string, any> {
  return compliantObject('dev', 'Deployment/gateway/gateway');
}

describe('no-host-path', () => {
  it('passes with emptyDir volumes only', () => {
    expect(violationsOf(admit('no-host-path', gateway()))).toEqual([]);
  });

  it('names the hostPath volume', () => {
    const deployment = gateway();
    deployment.spec.template.spec.volumes.push({ name: 'docker-sock', hostPath: { path: '/var/run/docker.sock' } });
    expect(violationsOf(admit('no-host-path', deployment))).toEqual([
      'Deployment gateway/gateway: volume(s) docker-sock in spec.template.spec.volumes use hostPath',
    ]);
  });
});

describe('no-host-namespaces', () => {
  it('passes when none is set, or set to false', () => {
    const deployment = gateway();
    expect(violationsOf(admit('no-host-namespaces', deployment))).toEqual([]);
    deployment.spec.template.spec.hostNetwork = false;
    expect(violationsOf(admit('no-host-namespaces', deployment))).toEqual([]);
  });

  it('reports each host namespace with its path', () => {
    const deployment = gateway();
    Object.assign(deployment.spec.template.spec, { hostNetwork: true, hostPID: true, hostIPC: true });
    expect(violationsOf(admit('no-host-namespaces', deployment))).toEqual([
      'Deployment gateway/gateway: spec.template.spec.hostNetwork is true',
      'Deployment gateway/gateway: spec.template.spec.hostPID is true',
      'Deployment gateway/gateway: spec.template.spec.hostIPC is true',
    ]);
  });
});
