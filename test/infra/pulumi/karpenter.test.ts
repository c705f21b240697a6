import { cdk8sPlatform } from '../../../infra/pulumi/cdk8s-platform';
import { CLOUD_ENVIRONMENT_NAMES, CLOUD_ENVIRONMENTS } from '../../../infra/pulumi/cloud-environments';
import { INTERRUPTION_EVENTS, KARPENTER_NODE_POLICIES, KarpenterNodeAccess, karpenterControllerPolicy, karpenterReleases, karpenterValues, nodePool } from '../../../infra/pulumi/karpenter';
import type { KubernetesObject } from '../../../infra/pulumi/platform-contract';
import { injectSidecar, injectionDisabled, type PodShape } from '../../helpers/istio-sidecar-injection';
import { environmentReleases } from './ingress-exposures';
import { plain, runMocked } from './pulumi-mocks';

const AWS = { clusterName: 'uag-prod', region: 'eu-west-1', accountId: '123456789012' };

describe('the Karpenter controller', () => {
  const policy = karpenterControllerPolicy({ ...AWS, nodeRoleArn: 'arn:aws:iam::123456789012:role/node', queueArn: 'arn:aws:sqs:eu-west-1:123456789012:uag-prod-karpenter' });
  const bySid = new Map(policy.Statement.map((statement) => [statement.Sid, statement]));

  it('gets the upstream CloudFormation’s statements at v1.14.1, except creating, tagging and deleting instance profiles, which the program owns', () => {
    expect([...bySid.keys()]).toEqual([
      'AllowScopedEC2InstanceAccessActions',
      'AllowScopedEC2LaunchTemplateAccessActions',
      'AllowScopedEC2InstanceActionsWithTags',
      'AllowScopedResourceCreationTagging',
      'AllowScopedResourceTagging',
      'AllowScopedDeletion',
      'AllowPassingInstanceRole',
      'AllowAPIServerEndpointDiscovery',
      'AllowInterruptionQueueActions',
      'AllowRegionalReadActions',
      'AllowSSMReadActions',
      'AllowPricingReadActions',
      'AllowUnscopedInstanceProfileListAction',
      'AllowInstanceProfileReadActions',
    ]);
    expect(policy.Statement.flatMap((statement) => [statement.Action].flat())).not.toContain('iam:CreateInstanceProfile');
  });

  it('may launch, tag and terminate only what carries this cluster’s ownership tag, pass only the node role and read only its own queue', () => {
    expect(bySid.get('AllowScopedDeletion')?.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/kubernetes.io/cluster/uag-prod': 'owned' }, StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' } });
    expect(bySid.get('AllowScopedEC2InstanceActionsWithTags')?.Condition?.StringEquals).toEqual({ 'aws:RequestTag/kubernetes.io/cluster/uag-prod': 'owned', 'aws:RequestTag/eks:eks-cluster-name': 'uag-prod' });
    expect(bySid.get('AllowPassingInstanceRole')?.Resource).toBe('arn:aws:iam::123456789012:role/node');
    expect(bySid.get('AllowInterruptionQueueActions')?.Resource).toBe('arn:aws:sqs:eu-west-1:123456789012:uag-prod-karpenter');
    expect(bySid.get('AllowAPIServerEndpointDiscovery')?.Resource).toBe('arn:aws:eks:eu-west-1:123456789012:cluster/uag-prod');
  });

  it('is told its cluster, interruption queue and region, which it would otherwise ask the instance metadata for and exit (IMDS hop limit 1)', () => {
    const values = karpenterValues(AWS) as { settings: Record<string, string>; controller: { env: unknown[]; resources: { limits: { memory: string } } } };
    expect(values.settings).toEqual({ clusterName: 'uag-prod', interruptionQueue: 'uag-prod-karpenter' });
    expect(values.controller.env).toEqual([{ name: 'AWS_REGION', value: 'eu-west-1' }]);
    expect(values.controller.resources.limits.memory).toBe('1Gi');
  });

  it('has its chart create a ServiceMonitor the platform’s Prometheus selects, installed after the monitoring CRDs its template checks for (regression: Karpenter failing to add nodes went unnoticed)', () => {
    expect((karpenterValues(AWS) as { serviceMonitor?: unknown }).serviceMonitor).toEqual({ enabled: true, additionalLabels: { 'monitoring.uag.example.com/prometheus': 'platform' } });
    expect(karpenterReleases({ ...AWS, grants: [] }).find((release) => release.key === 'karpenter')?.after).toEqual(['karpenterCrd', 'prometheusOperatorCrds']);
  });
});

describe('Karpenter’s nodes on AWS', () => {
  it('get a node role, an instance profile, an EC2_LINUX access entry, the security group’s discovery tag and an interruption queue fed by the five upstream EventBridge rules', async () => {
    const run = await runMocked({ stack: 'prod' }, () => new KarpenterNodeAccess('uag-prod-karpenter', { ...AWS, clusterSecurityGroupId: 'sg-cluster' }));
    const attached = run.ofType('aws:iam/rolePolicyAttachment:RolePolicyAttachment').map((attachment) => attachment.inputs.policyArn);
    expect(attached).toEqual([...KARPENTER_NODE_POLICIES]);
    expect(run.named('uag-prod-karpenter-node', 'aws:iam/instanceProfile:InstanceProfile').inputs.name).toBe('uag-prod-karpenter-node');
    expect(run.named('uag-prod-karpenter-node', 'aws:eks/accessEntry:AccessEntry').inputs).toMatchObject({ clusterName: 'uag-prod', type: 'EC2_LINUX' });
    expect(run.named('uag-prod-karpenter-security-group', 'aws:ec2/tag:Tag').inputs).toMatchObject({ resourceId: 'sg-cluster', key: 'karpenter.sh/discovery', value: 'uag-prod' });
    const queue = run.named('uag-prod-karpenter-interruptions', 'aws:sqs/queue:Queue');
    expect(queue.inputs).toMatchObject({ name: 'uag-prod-karpenter', messageRetentionSeconds: 300, sqsManagedSseEnabled: true });
    const queuePolicy = JSON.parse(plain(run.named('uag-prod-karpenter-interruptions', 'aws:sqs/queuePolicy:QueuePolicy').inputs.policy) as string);
    expect(queuePolicy.Statement).toContainEqual(expect.objectContaining({ Sid: 'DenyHTTP', Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    const patterns = run.ofType('aws:cloudwatch/eventRule:EventRule').map((rule) => JSON.parse(rule.inputs.eventPattern as string));
    expect(patterns).toEqual(Object.values(INTERRUPTION_EVENTS));
    const targets = run.ofType('aws:cloudwatch/eventTarget:EventTarget');
    expect(targets.map((target) => target.inputs.arn)).toEqual(Object.keys(INTERRUPTION_EVENTS).map(() => 'arn:aws:mock::123456789012:uag-prod-karpenter-interruptions'));
  });
});

describe.each(CLOUD_ENVIRONMENT_NAMES)('the %s NodePool', (environment) => {
  const pool = nodePool(CLOUD_ENVIRONMENTS[environment].nodeAutoscaling);
  const requirement = (key: string) => pool.spec.template.spec.requirements.find((entry) => entry.key === key);

  it('allows spot in dev only, consolidates empty and underused nodes and limits how many go at once', () => {
    expect(requirement('karpenter.sh/capacity-type')?.values).toEqual(environment === 'dev' ? ['spot', 'on-demand'] : ['on-demand']);
    expect(pool.spec.disruption.consolidationPolicy).toBe('WhenEmptyOrUnderutilized');
    expect(pool.spec.disruption.budgets?.[0]?.nodes).toMatch(/%$/);
    if (environment === 'prod') expect(pool.spec.disruption.budgets?.[1]).toEqual({ nodes: '0', reasons: ['Underutilized', 'Drifted'], schedule: '0 8 * * mon-fri', duration: '10h' });
  });

  /**
   * What an HPA at its maximum asks for beyond its minimum, per workload: the replicas it adds
   * times the pod's requests after sidecar injection (every container and init container counted,
   * an upper bound of what the scheduler reserves).
   */
  const platform = cdk8sPlatform().render({ environment, image: 'registry.test/uag-gateway:0123456789abcdef', storageClassName: null, hosts: undefined, gatewayExternalEgress: [] });
  const istiodValues = environmentReleases(environment).find((release) => release.key === 'istiod')?.values ?? {};
  const scaleOuts = platform
    .filter((object) => object.kind === 'HorizontalPodAutoscaler')
    .map((hpa) => {
      const { scaleTargetRef, minReplicas, maxReplicas } = hpa.spec as { scaleTargetRef: { kind: string; name: string }; minReplicas: number; maxReplicas: number };
      const target = platform.find((object) => object.kind === scaleTargetRef.kind && object.metadata.name === scaleTargetRef.name && object.metadata.namespace === hpa.metadata.namespace) as KubernetesObject;
      const template = (target.spec as { template: PodShape & { spec: { terminationGracePeriodSeconds?: number } } }).template;
      const pod = injectionDisabled(template) ? template : injectSidecar(template, istiodValues, { nativeSidecar: true });
      const requests = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].map((container) => (container as { resources?: { requests?: Record<string, string> } }).resources?.requests ?? {});
      return {
        workload: `${hpa.metadata.namespace}/${scaleTargetRef.name}`,
        added: maxReplicas - minReplicas,
        cpu: requests.reduce((sum, request) => sum + cpuCores(request.cpu ?? '0'), 0),
        memoryGiB: requests.reduce((sum, request) => sum + memoryGiB(request.memory ?? '0'), 0),
        gracePeriodSeconds: template.spec.terminationGracePeriodSeconds ?? 30,
      };
    });

  it('has room for every HPA at its maximum, each pod fits the largest node it may launch, and no drain is cut short (regression: nothing added nodes, so pods past the baseline stayed Pending)', () => {
    expect(scaleOuts.map((scaleOut) => scaleOut.workload)).toContain('gateway/gateway');
    const limits = { cpu: Number(pool.spec.limits?.cpu), memoryGiB: Number.parseInt(pool.spec.limits?.memory ?? '0', 10) };
    const needed = scaleOuts.reduce((sum, scaleOut) => ({ cpu: sum.cpu + scaleOut.added * scaleOut.cpu, memoryGiB: sum.memoryGiB + scaleOut.added * scaleOut.memoryGiB }), { cpu: 0, memoryGiB: 0 });
    expect(needed.cpu).toBeLessThanOrEqual(limits.cpu);
    expect(needed.memoryGiB).toBeLessThanOrEqual(limits.memoryGiB);
    const largestNodeCpus = Math.max(...(requirement('karpenter.k8s.aws/instance-cpu')?.values ?? []).map(Number));
    for (const scaleOut of scaleOuts) expect({ workload: scaleOut.workload, fits: scaleOut.cpu < largestNodeCpus }).toEqual({ workload: scaleOut.workload, fits: true });
    const drainHours = Number.parseInt(pool.spec.template.spec.terminationGracePeriod ?? '0', 10);
    for (const scaleOut of scaleOuts) expect(scaleOut.gracePeriodSeconds).toBeLessThan(drainHours * 3600);
  });
});

function cpuCores(quantity: string): number {
  return quantity.endsWith('m') ? Number.parseFloat(quantity) / 1000 : Number.parseFloat(quantity);
}

function memoryGiB(quantity: string): number {
  const units: Record<string, number> = { Ki: 1 / 1024 ** 2, Mi: 1 / 1024, Gi: 1 };
  const match = /^([0-9.]+)(Ki|Mi|Gi)$/.exec(quantity);
  if (match === null) throw new Error(`memory quantity ${quantity} is not in Ki, Mi or Gi`);
  return Number.parseFloat(match[1] as string) * (units[match[2] as string] as number);
}
