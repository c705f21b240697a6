import { admit, compliantObject, violationsOf } from '../policy-fixtures';

/** The compliant dev gateway Deployment; each test breaks one setting. */
function gateway(): Record<string, any> {
  return compliantObject('dev', 'Deployment/gateway/gateway');
}

function podSpec(deployment: Record<string, any>): Record<string, any> {
  return deployment.spec.template.spec;
}

describe('run-as-non-root', () => {
  it('passes when the pod sets runAsNonRoot and the container does not override it', () => {
    expect(violationsOf(admit('run-as-non-root', gateway()))).toEqual([]);
  });

  it('fails when the container overrides the pod with runAsNonRoot: false', () => {
    const deployment = gateway();
    podSpec(deployment).containers[0].securityContext.runAsNonRoot = false;
    expect(violationsOf(admit('run-as-non-root', deployment))).toEqual([
      'Deployment gateway/gateway: container(s) gateway may run as root: securityContext.runAsNonRoot is not true on the container or the pod',
    ]);
  });

  it('passes when only the container sets it', () => {
    const deployment = gateway();
    delete podSpec(deployment).securityContext.runAsNonRoot;
    podSpec(deployment).containers[0].securityContext.runAsNonRoot = true;
    expect(violationsOf(admit('run-as-non-root', deployment))).toEqual([]);
  });

  it('checks init and ephemeral containers too', () => {
    const deployment = gateway();
    delete podSpec(deployment).securityContext.runAsNonRoot;
    podSpec(deployment).containers[0].securityContext.runAsNonRoot = true;
    podSpec(deployment).initContainers = [{ name: 'migrate', image: 'r/m:1' }];
    podSpec(deployment).ephemeralContainers = [{ name: 'debugger', image: 'r/d:1' }];
    expect(violationsOf(admit('run-as-non-root', deployment))).toEqual([
      'Deployment gateway/gateway: container(s) migrate, debugger may run as root: securityContext.runAsNonRoot is not true on the container or the pod',
    ]);
  });
});

describe('no-privilege-escalation', () => {
  it('passes with allowPrivilegeEscalation: false', () => {
    expect(violationsOf(admit('no-privilege-escalation', gateway()))).toEqual([]);
  });

  it('fails when the field is left out, since the default allows escalation', () => {
    const deployment = gateway();
    delete podSpec(deployment).containers[0].securityContext.allowPrivilegeEscalation;
    expect(violationsOf(admit('no-privilege-escalation', deployment))).toEqual([
      'Deployment gateway/gateway: container(s) gateway do not set securityContext.allowPrivilegeEscalation: false',
    ]);
  });
});

describe('read-only-root-filesystem', () => {
  it('passes with readOnlyRootFilesystem: true', () => {
    expect(violationsOf(admit('read-only-root-filesystem', gateway()))).toEqual([]);
  });

  it('fails with readOnlyRootFilesystem: false', () => {
    const deployment = gateway();
    podSpec(deployment).containers[0].securityContext.readOnlyRootFilesystem = false;
    expect(violationsOf(admit('read-only-root-filesystem', deployment))).toEqual([
      'Deployment gateway/gateway: container(s) gateway do not set securityContext.readOnlyRootFilesystem: true',
    ]);
  });
});

describe('drop-all-capabilities', () => {
  it('passes when drop lists ALL', () => {
    expect(violationsOf(admit('drop-all-capabilities', gateway()))).toEqual([]);
  });

  it('fails when only some capabilities are dropped', () => {
    const deployment = gateway();
    podSpec(deployment).containers[0].securityContext.capabilities.drop = ['NET_RAW'];
    expect(violationsOf(admit('drop-all-capabilities', deployment))).toEqual([
      'Deployment gateway/gateway: container(s) gateway do not list ALL in securityContext.capabilities.drop',
    ]);
  });
});

describe('seccomp-runtime-default', () => {
  it('passes with the pod-level RuntimeDefault profile', () => {
    expect(violationsOf(admit('seccomp-runtime-default', gateway()))).toEqual([]);
  });

  it('fails when a container overrides it with Unconfined', () => {
    const deployment = gateway();
    podSpec(deployment).containers[0].securityContext.seccompProfile = { type: 'Unconfined' };
    expect(violationsOf(admit('seccomp-runtime-default', deployment))).toEqual([
      'Deployment gateway/gateway: container(s) gateway have no securityContext.seccompProfile.type: RuntimeDefault on the container or the pod',
    ]);
  });

  it('passes with the profile on the container only', () => {
    const deployment = gateway();
    delete podSpec(deployment).securityContext.seccompProfile;
    podSpec(deployment).containers[0].securityContext.seccompProfile = { type: 'RuntimeDefault' };
    expect(violationsOf(admit('seccomp-runtime-default', deployment))).toEqual([]);
  });
});

describe('pod template locations', () => {
  it('reads a CronJob through spec.jobTemplate.spec.template', () => {
    const cronJob = compliantObject('dev', 'CronJob/observability/retention-cleanup');
    expect(violationsOf(admit('run-as-non-root', cronJob))).toEqual([]);
    cronJob.spec.jobTemplate.spec.template.spec.securityContext.runAsNonRoot = false;
    expect(violationsOf(admit('run-as-non-root', cronJob))).toHaveLength(1);
  });

  it('reads a bare Pod through spec', () => {
    const template = gateway().spec.template;
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug', namespace: 'gateway' }, spec: template.spec };
    expect(violationsOf(admit('read-only-root-filesystem', pod))).toEqual([]);
    pod.spec.containers[0].securityContext.readOnlyRootFilesystem = false;
    expect(violationsOf(admit('read-only-root-filesystem', pod))).toEqual([
      'Pod gateway/debug: container(s) gateway do not set securityContext.readOnlyRootFilesystem: true',
    ]);
  });

  it('reads a Rollout through spec.template, and skips one that references a Deployment instead', () => {
    const rollout = compliantObject('prod', 'Rollout/gateway/gateway');
    rollout.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation = true;
    expect(violationsOf(admit('no-privilege-escalation', rollout))).toHaveLength(1);
    delete rollout.spec.template;
    rollout.spec.workloadRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'gateway' };
    expect(violationsOf(admit('no-privilege-escalation', rollout))).toBe('not applicable');
  });

  it('applies to StatefulSets, DaemonSets and Jobs', () => {
    const template = gateway().spec.template;
    template.spec.hostPID = true;
    for (const [apiVersion, kind] of [['apps/v1', 'StatefulSet'], ['apps/v1', 'DaemonSet'], ['batch/v1', 'Job']]) {
      const workload = { apiVersion, kind, metadata: { name: 'w', namespace: 'gateway' }, spec: { template } };
      expect(violationsOf(admit('no-host-namespaces', workload))).toEqual([`${kind} gateway/w: spec.template.spec.hostPID is true`]);
    }
  });
});
