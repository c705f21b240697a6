import * as aws from '@pulumi/aws';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { crdObject, type CrdObject } from '../crd-models';
import { KARPENTER_NAMESPACE, MONITOR_SELECTOR } from '../k8s/platform-names';
import { EC2_NODE_CLASS, NODE_POOL, type Ec2NodeClassSpec, type NodePoolRequirement, type NodePoolSpec } from '../crd-models/karpenter';
import type { NodeAutoscalingSpec } from './cloud-environments';
import { serviceRole, type PolicyDocument } from './iam';
import { NODE_METADATA_OPTIONS, ROOT_DEVICE } from './node-groups';
import type { OperatorRelease } from './operators';
import { HELM_CHARTS, KARPENTER_AMI_ALIAS } from './versions';

/**
 * Node autoscaling with Karpenter (aws/karpenter-provider-aws, charts `karpenter-crd` and
 * `karpenter` 1.14.1; values checked against charts/karpenter/values.yaml and
 * templates/deployment.yaml at tag v1.14.1, IAM and interruption queue against
 * website/content/en/docs/getting-started/getting-started-with-karpenter/cloudformation.yaml at
 * the same tag).
 *
 * How it shares the cluster with the managed node groups: the managed groups stay the baseline.
 * They run the system pods, the controllers and Karpenter itself (the chart's default node
 * affinity keeps Karpenter off the nodes it launches), and the platform's steady state, so the
 * cluster comes up, and keeps running, whether Karpenter does or not. Karpenter launches nodes
 * only for pods nothing can schedule (an HPA scaling past what the baseline holds) and removes them
 * once consolidation finds them empty or underused. The alternative, a small tainted system group
 * with Karpenter for everything else, would make every Helm release and the platform wait for
 * Karpenter on the first `pulumi up`, and put the ingress gateway's zone spread in prod (one
 * managed group per zone) in the hands of a controller the program cannot preview.
 */
export const KARPENTER = {
  namespace: KARPENTER_NAMESPACE,
  crdReleaseName: 'karpenter-crd',
  releaseName: 'karpenter',
  /** The chart names its service account after the release unless set; set, so the Pod Identity association names it. */
  serviceAccount: 'karpenter',
  nodeClassName: 'default',
  nodePoolName: 'default',
} as const;

/** The tag the cluster security group gets, for the EC2NodeClass to select it (the getting-started guide's convention). */
export const DISCOVERY_TAG = 'karpenter.sh/discovery';

/** The node role's managed policies: KarpenterNodeRole in the upstream CloudFormation. */
export const KARPENTER_NODE_POLICIES = [
  'arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy',
  'arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy',
  'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly',
  'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
] as const;

/** EventBridge rules feeding the interruption queue: the upstream CloudFormation's five, by detail type. */
export const INTERRUPTION_EVENTS = {
  'scheduled-change': { source: ['aws.health'], 'detail-type': ['AWS Health Event'] },
  'spot-interruption': { source: ['aws.ec2'], 'detail-type': ['EC2 Spot Instance Interruption Warning'] },
  rebalance: { source: ['aws.ec2'], 'detail-type': ['EC2 Instance Rebalance Recommendation'] },
  'instance-state-change': { source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'] },
  'capacity-reservation-interruption': { source: ['aws.ec2'], 'detail-type': ['EC2 Capacity Reservation Instance Interruption Warning'] },
} as const;

export interface KarpenterAwsArgs {
  readonly clusterName: string;
  readonly region: string;
  readonly accountId: string;
}

/** Names the program gives Karpenter's AWS resources, known before they exist so the node class and values can be checked in a preview. */
export function karpenterNames(clusterName: string): { readonly instanceProfile: string; readonly interruptionQueue: string } {
  return { instanceProfile: `${clusterName}-karpenter-node`, interruptionQueue: `${clusterName}-karpenter` };
}

/**
 * The controller's permissions: the upstream CloudFormation's NodeLifecycle, IAM integration,
 * EKS integration, interruption and resource discovery policies, statement for statement, except
 * the three that let Karpenter create, tag and delete instance profiles. The program creates the
 * node's instance profile itself and names it in the EC2NodeClass (`instanceProfile`), so it is
 * removed with the stack and the controller cannot mint profiles for other roles. The zonal shift
 * policy is left out with the feature (`settings.enableZonalShift` off).
 */
export function karpenterControllerPolicy(args: KarpenterAwsArgs & { readonly nodeRoleArn: pulumi.Input<string>; readonly queueArn: pulumi.Input<string> }): PolicyDocument {
  const { region, accountId, clusterName } = args;
  const ec2 = (resource: string) => `arn:aws:ec2:${region}:*:${resource}`;
  const clusterOwned = { [`aws:ResourceTag/kubernetes.io/cluster/${clusterName}`]: 'owned' };
  const requestTags = { [`aws:RequestTag/kubernetes.io/cluster/${clusterName}`]: 'owned', 'aws:RequestTag/eks:eks-cluster-name': clusterName };
  const launched = [ec2('fleet/*'), ec2('instance/*'), ec2('volume/*'), ec2('network-interface/*'), ec2('launch-template/*'), ec2('spot-instances-request/*')];
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AllowScopedEC2InstanceAccessActions',
        Effect: 'Allow',
        Resource: [`arn:aws:ec2:${region}::image/*`, `arn:aws:ec2:${region}::snapshot/*`, ec2('security-group/*'), ec2('subnet/*'), ec2('capacity-reservation/*'), ec2('placement-group/*')],
        Action: ['ec2:RunInstances', 'ec2:CreateFleet'],
      },
      {
        Sid: 'AllowScopedEC2LaunchTemplateAccessActions',
        Effect: 'Allow',
        Resource: ec2('launch-template/*'),
        Action: ['ec2:RunInstances', 'ec2:CreateFleet'],
        Condition: { StringEquals: clusterOwned, StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' } },
      },
      {
        Sid: 'AllowScopedEC2InstanceActionsWithTags',
        Effect: 'Allow',
        Resource: launched,
        Action: ['ec2:RunInstances', 'ec2:CreateFleet', 'ec2:CreateLaunchTemplate'],
        Condition: { StringEquals: requestTags, StringLike: { 'aws:RequestTag/karpenter.sh/nodepool': '*' } },
      },
      {
        Sid: 'AllowScopedResourceCreationTagging',
        Effect: 'Allow',
        Resource: launched,
        Action: 'ec2:CreateTags',
        Condition: { StringEquals: { ...requestTags, 'ec2:CreateAction': ['RunInstances', 'CreateFleet', 'CreateLaunchTemplate'] }, StringLike: { 'aws:RequestTag/karpenter.sh/nodepool': '*' } },
      },
      {
        Sid: 'AllowScopedResourceTagging',
        Effect: 'Allow',
        Resource: ec2('instance/*'),
        Action: 'ec2:CreateTags',
        Condition: {
          StringEquals: clusterOwned,
          StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' },
          StringEqualsIfExists: { 'aws:RequestTag/eks:eks-cluster-name': clusterName },
          'ForAllValues:StringEquals': { 'aws:TagKeys': ['eks:eks-cluster-name', 'karpenter.sh/nodeclaim', 'Name'] },
        },
      },
      {
        Sid: 'AllowScopedDeletion',
        Effect: 'Allow',
        Resource: [ec2('instance/*'), ec2('launch-template/*')],
        Action: ['ec2:TerminateInstances', 'ec2:DeleteLaunchTemplate'],
        Condition: { StringEquals: clusterOwned, StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' } },
      },
      {
        Sid: 'AllowPassingInstanceRole',
        Effect: 'Allow',
        Resource: args.nodeRoleArn,
        Action: 'iam:PassRole',
        Condition: { StringEquals: { 'iam:PassedToService': ['ec2.amazonaws.com', 'ec2.amazonaws.com.cn'] } },
      },
      { Sid: 'AllowAPIServerEndpointDiscovery', Effect: 'Allow', Resource: `arn:aws:eks:${region}:${accountId}:cluster/${clusterName}`, Action: 'eks:DescribeCluster' },
      { Sid: 'AllowInterruptionQueueActions', Effect: 'Allow', Resource: args.queueArn, Action: ['sqs:DeleteMessage', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'] },
      {
        Sid: 'AllowRegionalReadActions',
        Effect: 'Allow',
        Resource: '*',
        Action: [
          'ec2:DescribeCapacityReservations',
          'ec2:DescribeImages',
          'ec2:DescribeInstances',
          'ec2:DescribeInstanceStatus',
          'ec2:DescribeInstanceTypeOfferings',
          'ec2:DescribeInstanceTypes',
          'ec2:DescribeLaunchTemplates',
          'ec2:DescribePlacementGroups',
          'ec2:DescribeSecurityGroups',
          'ec2:DescribeSpotPriceHistory',
          'ec2:DescribeSubnets',
        ],
        Condition: { StringEquals: { 'aws:RequestedRegion': region } },
      },
      { Sid: 'AllowSSMReadActions', Effect: 'Allow', Resource: `arn:aws:ssm:${region}::parameter/aws/service/*`, Action: 'ssm:GetParameter' },
      { Sid: 'AllowPricingReadActions', Effect: 'Allow', Resource: '*', Action: 'pricing:GetProducts' },
      { Sid: 'AllowUnscopedInstanceProfileListAction', Effect: 'Allow', Resource: '*', Action: 'iam:ListInstanceProfiles' },
      { Sid: 'AllowInstanceProfileReadActions', Effect: 'Allow', Resource: `arn:aws:iam::${accountId}:instance-profile/*`, Action: 'iam:GetInstanceProfile' },
    ],
  };
}

/** The interruption queue's policy: EventBridge (and SQS) may send, nothing may use it without TLS. */
export function interruptionQueuePolicy(queueArn: string): { readonly Version: '2012-10-17'; readonly Statement: readonly object[] } {
  return {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Service: ['events.amazonaws.com', 'sqs.amazonaws.com'] }, Action: 'sqs:SendMessage', Resource: queueArn },
      { Sid: 'DenyHTTP', Effect: 'Deny', Principal: '*', Action: 'sqs:*', Resource: queueArn, Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    ],
  };
}

/**
 * The AWS side of Karpenter's nodes: their IAM role (with the managed policies of the upstream
 * KarpenterNodeRole) and instance profile, an EKS access entry of type EC2_LINUX so they can join
 * (the cluster authenticates through access entries only), the discovery tag on the cluster
 * security group (the one the managed nodes and ElastiCache's ingress rule use), and the
 * interruption queue with its EventBridge rules, so Karpenter drains a node on a spot interruption
 * warning, a rebalance recommendation or a scheduled maintenance event before EC2 takes it away.
 */
export class KarpenterNodeAccess extends pulumi.ComponentResource {
  readonly nodeRoleArn: pulumi.Output<string>;
  readonly queueArn: pulumi.Output<string>;
  /** What the controller's release and the EC2NodeClass must wait for, and outlive on destroy. */
  readonly resources: readonly pulumi.Resource[];

  constructor(name: string, args: KarpenterAwsArgs & { readonly clusterSecurityGroupId: pulumi.Input<string> }, opts?: pulumi.ComponentResourceOptions) {
    super('uag:cloud:KarpenterNodeAccess', name, {}, opts);
    // Resource options are not inherited: children wait for what the component was told to wait for.
    const parent = { parent: this, dependsOn: opts?.dependsOn };
    const names = karpenterNames(args.clusterName);
    const { role, attachments } = serviceRole(`${name}-node`, 'ec2.amazonaws.com', KARPENTER_NODE_POLICIES, parent);
    const instanceProfile = new aws.iam.InstanceProfile(`${name}-node`, { name: names.instanceProfile, role: role.name }, parent);
    const accessEntry = new aws.eks.AccessEntry(`${name}-node`, { clusterName: args.clusterName, principalArn: role.arn, type: 'EC2_LINUX' }, parent);
    const discoveryTag = new aws.ec2.Tag(`${name}-security-group`, { resourceId: args.clusterSecurityGroupId, key: DISCOVERY_TAG, value: args.clusterName }, parent);

    const queue = new aws.sqs.Queue(`${name}-interruptions`, { name: names.interruptionQueue, messageRetentionSeconds: 300, sqsManagedSseEnabled: true }, parent);
    const queuePolicy = new aws.sqs.QueuePolicy(`${name}-interruptions`, { queueUrl: queue.url, policy: queue.arn.apply((arn) => JSON.stringify(interruptionQueuePolicy(arn))) }, parent);
    const targets = Object.entries(INTERRUPTION_EVENTS).map(([event, pattern]) => {
      const rule = new aws.cloudwatch.EventRule(`${name}-${event}`, { description: `Karpenter interruption handling for ${args.clusterName}`, eventPattern: JSON.stringify(pattern) }, parent);
      return new aws.cloudwatch.EventTarget(`${name}-${event}`, { rule: rule.name, arn: queue.arn }, parent);
    });

    this.nodeRoleArn = role.arn;
    this.queueArn = queue.arn;
    this.resources = [...attachments, instanceProfile, accessEntry, discoveryTag, queuePolicy, ...targets];
    this.registerOutputs({});
  }
}

/** Chart values (charts/karpenter/values.yaml at v1.14.1). */
export function karpenterValues(args: KarpenterAwsArgs): Record<string, unknown> {
  return {
    serviceAccount: { create: true, name: KARPENTER.serviceAccount },
    // templates/deployment.yaml: CLUSTER_NAME is required; INTERRUPTION_QUEUE turns interruption handling on.
    settings: { clusterName: args.clusterName, interruptionQueue: karpenterNames(args.clusterName).interruptionQueue },
    controller: {
      // pkg/operator/operator.go at v1.14.1 asks the instance metadata for the region when the SDK has
      // none, which IMDSv2 with one hop keeps from pods (node-groups.ts): the process would exit.
      env: [{ name: 'AWS_REGION', value: args.region }],
      // values.yaml leaves resources empty; MEMORY_LIMIT (the memory limit) becomes the Go memory limit.
      resources: { requests: { cpu: '200m', memory: '512Mi' }, limits: { memory: '1Gi' } },
      // The chart writes only a pod-level seccomp profile by default (podSecurityContext); the policies accept either.
      securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
    },
    // templates/servicemonitor.yaml: a ServiceMonitor on the `karpenter` Service's `http-metrics`
    // port (controller.metrics.port, 8080), rendered only where the monitoring CRDs are served,
    // hence the release's place after them; labelled for the platform's Prometheus.
    serviceMonitor: { enabled: true, additionalLabels: { ...MONITOR_SELECTOR } },
    // Chart defaults kept on purpose: two replicas (one leads), a budget of maxUnavailable 1, a
    // required anti-affinity per node and a zone spread, and the node affinity
    // `karpenter.sh/nodepool DoesNotExist`, which keeps the controller on the managed nodes.
  };
}

/** The karpenter-crd release, then the controller: the upgrade guide (website/content/en/docs/upgrading/upgrade-guide.md at v1.14.1) recommends the CRD chart, since Helm never upgrades a chart's crds/. */
export function karpenterReleases(args: KarpenterAwsArgs & { readonly grants: readonly pulumi.Resource[] }): OperatorRelease[] {
  return [
    { key: 'karpenterCrd', releaseName: KARPENTER.crdReleaseName, namespace: KARPENTER.namespace, chart: HELM_CHARTS.karpenterCrd, values: {}, after: [], platformPrerequisite: false },
    {
      key: 'karpenter',
      releaseName: KARPENTER.releaseName,
      namespace: KARPENTER.namespace,
      chart: HELM_CHARTS.karpenter,
      values: karpenterValues(args),
      skipCrds: true,
      // Its ServiceMonitor needs the monitoring CRDs.
      after: ['karpenterCrd', 'prometheusOperatorCrds'],
      platformPrerequisite: false,
      dependsOn: args.grants,
    },
  ];
}

/** Karpenter's nodes boot like the managed ones: IMDSv2 with one hop (no node credentials for pods), an encrypted gp3 root volume. */
export function ec2NodeClass(args: { readonly clusterName: string; readonly volumeGiB: number }): CrdObject<Ec2NodeClassSpec> {
  return crdObject(EC2_NODE_CLASS, {
    metadata: { name: KARPENTER.nodeClassName },
    spec: {
      amiSelectorTerms: [{ alias: KARPENTER_AMI_ALIAS }],
      // The private subnets (network.ts tags them for the cluster and for internal load balancers).
      subnetSelectorTerms: [{ tags: { [`kubernetes.io/cluster/${args.clusterName}`]: 'shared', 'kubernetes.io/role/internal-elb': '1' } }],
      securityGroupSelectorTerms: [{ tags: { [DISCOVERY_TAG]: args.clusterName } }],
      instanceProfile: karpenterNames(args.clusterName).instanceProfile,
      metadataOptions: { ...NODE_METADATA_OPTIONS },
      blockDeviceMappings: [{ deviceName: ROOT_DEVICE, rootVolume: true, ebs: { volumeSize: `${args.volumeGiB}Gi`, volumeType: 'gp3', encrypted: true, deleteOnTermination: true } }],
    },
  });
}

/**
 * The NodePool: current-generation c, m and r instances of 2 to 16 vCPUs (x86, like the managed
 * nodes and the image), the environment's capacity types, consolidation of empty and underused
 * nodes, and the environment's disruption budgets and cost ceiling. Nodes are replaced after 30
 * days (patches) and a drain may take at most a day, longer than any pod's grace period.
 */
export function nodePool(spec: NodeAutoscalingSpec): CrdObject<NodePoolSpec> {
  const requirements: NodePoolRequirement[] = [
    { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] },
    { key: 'kubernetes.io/os', operator: 'In', values: ['linux'] },
    { key: 'karpenter.sh/capacity-type', operator: 'In', values: [...spec.capacityTypes] },
    { key: 'karpenter.k8s.aws/instance-category', operator: 'In', values: ['c', 'm', 'r'] },
    { key: 'karpenter.k8s.aws/instance-generation', operator: 'Gt', values: ['5'] },
    { key: 'karpenter.k8s.aws/instance-cpu', operator: 'In', values: ['2', '4', '8', '16'] },
    // Spot: at least five families to choose from, so one reclaimed pool does not stop the scale-out.
    ...(spec.capacityTypes.includes('spot') ? [{ key: 'karpenter.k8s.aws/instance-family', operator: 'Exists' as const, minValues: 5 }] : []),
  ];
  return crdObject(NODE_POOL, {
    metadata: { name: KARPENTER.nodePoolName },
    spec: {
      template: {
        spec: {
          nodeClassRef: { group: 'karpenter.k8s.aws', kind: EC2_NODE_CLASS.kind, name: KARPENTER.nodeClassName },
          requirements,
          expireAfter: '720h',
          terminationGracePeriod: '24h',
        },
      },
      disruption: { consolidationPolicy: 'WhenEmptyOrUnderutilized', consolidateAfter: spec.consolidateAfter, budgets: spec.disruptionBudgets.map((budget) => ({ ...budget })) },
      limits: { cpu: String(spec.limits.cpu), memory: `${spec.limits.memoryGiB}Gi` },
    },
  });
}

export interface NodeAutoscalingArgs {
  readonly provider: k8s.Provider;
  readonly clusterName: string;
  readonly volumeGiB: number;
  readonly spec: NodeAutoscalingSpec;
  /** The Karpenter release: its CRDs and controller first. */
  readonly karpenter: pulumi.Resource;
  /** The node role, instance profile, access entry and discovery tag the node class names. */
  readonly nodeAccess: readonly pulumi.Resource[];
}

/**
 * The EC2NodeClass and NodePool. `pulumi up` waits for each to be Ready (pulumi-kubernetes'
 * `pulumi.com/waitFor`, provider/pkg/metadata/overrides.go), so an AMI, subnet, security group or
 * instance profile Karpenter cannot resolve fails the update instead of a later scale-out. On
 * destroy the NodePool goes first and its deletion waits for Karpenter to drain and terminate its
 * nodes (the NodeClaims' finalizer), before the controller, its IAM and the VPC go.
 */
export class NodeAutoscaling extends pulumi.ComponentResource {
  readonly nodePool: k8s.apiextensions.CustomResource;

  constructor(name: string, args: NodeAutoscalingArgs, opts?: pulumi.ComponentResourceOptions) {
    super('uag:cloud:NodeAutoscaling', name, {}, opts);
    const waitForReady = (object: CrdObject<unknown>) => ({ ...object, metadata: { ...object.metadata, annotations: { 'pulumi.com/waitFor': 'condition=Ready' } } });
    const options = { parent: this, provider: args.provider };
    const nodeClass = new k8s.apiextensions.CustomResource(`${name}-node-class`, waitForReady(ec2NodeClass(args)), { ...options, dependsOn: [args.karpenter, ...args.nodeAccess] });
    this.nodePool = new k8s.apiextensions.CustomResource(`${name}-node-pool`, waitForReady(nodePool(args.spec)), { ...options, dependsOn: [args.karpenter, nodeClass] });
    this.registerOutputs({});
  }
}
