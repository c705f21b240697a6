import * as pulumi from '@pulumi/pulumi';
import { subnetLayout } from '../../../infra/pulumi/network';
import { REDIS_PORT } from '../../../infra/pulumi/redis';
import { cloudPolicyViolations } from '../../../policies/cloud/evaluate-resource';
import { isSecretInput, plain, type MockedRun, type RecordedResource } from './pulumi-mocks';
import { ACCOUNT, CONFIG_GROUP, CONTENT_TAG, PUSHED_DIGEST, SECRETS, addonBuild, deploy, gatewayContainers, objectsOf, type StackRun } from './stack-run';

const runs = new Map<string, Promise<StackRun>>();

/** Each stack's program runs once per file (update mode); the mock engine is global, so runs happen one after another. */
function deployed(stack: string): Promise<StackRun> {
  const cached = runs.get(stack) ?? deploy(stack);
  runs.set(stack, cached);
  return cached;
}

const NODE_GROUP = 'aws:eks/nodeGroup:NodeGroup';
const LAUNCH_TEMPLATE = 'aws:ec2/launchTemplate:LaunchTemplate';

describe.each(['dev', 'staging', 'prod'])('the %s stack', (stack) => {
  let run: MockedRun;
  beforeAll(async () => {
    run = await deployed(stack);
  });

  it('requires IMDSv2 with one hop and encrypted gp3 volumes on every node group launch template', () => {
    const templates = run.ofType(LAUNCH_TEMPLATE);
    expect(templates.length).toBeGreaterThan(0);
    for (const template of templates) {
      expect(template.inputs.metadataOptions).toEqual({ httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 });
      expect(template.inputs.blockDeviceMappings).toEqual([expect.objectContaining({ ebs: expect.objectContaining({ volumeType: 'gp3', encrypted: 'true' }) })]);
    }
    for (const group of run.ofType(NODE_GROUP)) expect((group.inputs.launchTemplate as { id: string }).id).toBe(`${templates[0]?.name}-id`);
  });

  it('creates an immutable ECR repository that scans on push', () => {
    const [repository, ...others] = run.ofType('aws:ecr/repository:Repository');
    expect(others).toEqual([]);
    expect(repository?.inputs).toMatchObject({ name: `${stack}/uag-gateway`, imageTagMutability: 'IMMUTABLE', imageScanningConfiguration: { scanOnPush: true } });
  });

  it('encrypts Secrets with a rotating KMS key, logs every control-plane log type and authenticates through access entries', () => {
    const [cluster] = run.ofType('aws:eks/cluster:Cluster');
    const [key] = run.ofType('aws:kms/key:Key');
    expect(key?.inputs.enableKeyRotation).toBe(true);
    expect(cluster?.inputs.encryptionConfig).toEqual({ provider: { keyArn: `arn:aws:mock::123456789012:${key?.name}` }, resources: ['secrets'] });
    expect(cluster?.inputs.enabledClusterLogTypes).toEqual(['api', 'audit', 'authenticator', 'controllerManager', 'scheduler']);
    expect((cluster?.inputs.accessConfig as { authenticationMode: string }).authenticationMode).toBe('API');
  });

  it('pushes the image under its content tag and deploys that immutable tag, after the push', () => {
    const [image] = run.ofType('docker-build:index:Image');
    const repositoryUrl = `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/${stack}/uag-gateway`;
    expect(image?.inputs.tags).toEqual([`${repositoryUrl}:${CONTENT_TAG}`]);
    expect(image?.inputs.push).toBe(true);
    expect(gatewayContainers(run).find((container) => container.name === 'gateway')?.image).toBe(`${repositoryUrl}:${CONTENT_TAG}`);
    expect(run.dependsOn(run.named('platform-objects', CONFIG_GROUP), image as RecordedResource)).toBe(true);
  });

  it('keeps every secret value in Secrets Manager entries made from stack secrets, and none in what is applied to the cluster (regression: AWS stacks wrote them into Kubernetes Secrets)', () => {
    expect(run.ofType('kubernetes:core/v1:Secret')).toEqual([]);
    const versions = run.ofType('aws:secretsmanager/secretVersion:SecretVersion');
    expect(versions.length).toBeGreaterThanOrEqual(2);
    for (const version of versions) expect({ version: version.name, isSecret: isSecretInput(version.inputs.secretString) }).toEqual({ version: version.name, isSecret: true });
    const grafana = run.named(`uag-${stack}-secrets-observability-grafana-admin`, 'aws:secretsmanager/secretVersion:SecretVersion');
    expect(JSON.parse(plain(grafana.inputs.secretString) as string)).toEqual({ password: SECRETS['uag:grafanaAdminPassword'] });
    expect(run.named(`uag-${stack}-secrets-observability-grafana-admin`, 'aws:secretsmanager/secret:Secret').inputs.name).toBe(`uag/${stack}/observability/grafana-admin`);
    const applied = JSON.stringify(run.resources.filter((resource) => resource.type.startsWith('kubernetes:')).map((resource) => resource.inputs));
    for (const value of Object.values(SECRETS)) expect(applied).not.toContain(value);
  });

  it('has the VPC CNI enforce NetworkPolicies (regression: every NetworkPolicy was a no-op on EKS)', () => {
    const vpcCni = run.ofType('aws:eks/addon:Addon').find((addon) => addon.inputs.addonName === 'vpc-cni');
    expect(JSON.parse(vpcCni?.inputs.configurationValues as string)).toEqual({ enableNetworkPolicy: 'true' });
  });

  it('installs metrics-server, which the HPA\'s CPU and memory metrics come from (regression: the HPA never scaled down)', () => {
    const metricsServer = run.ofType('aws:eks/addon:Addon').find((addon) => addon.inputs.addonName === 'metrics-server');
    expect(run.dependsOn(metricsServer as RecordedResource, run.ofType(NODE_GROUP)[0] as RecordedResource)).toBe(true);
  });

  it('creates the cluster and node groups only after their roles\' policies are attached, and detaches them only after', () => {
    const attachment = (suffix: string) => run.named(`uag-${stack}-${suffix}`, 'aws:iam/rolePolicyAttachment:RolePolicyAttachment');
    const [cluster] = run.ofType('aws:eks/cluster:Cluster');
    expect(run.dependsOn(cluster as RecordedResource, attachment('control-plane-AmazonEKSClusterPolicy'))).toBe(true);
    for (const group of run.ofType(NODE_GROUP)) {
      for (const policy of ['AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryReadOnly']) {
        expect({ group: group.name, policy, waits: run.dependsOn(group, attachment(`nodes-node-${policy}`)) }).toEqual({ group: group.name, policy, waits: true });
      }
    }
    const ebs = run.ofType('aws:eks/addon:Addon').find((addon) => addon.inputs.addonName === 'aws-ebs-csi-driver') as RecordedResource;
    expect(run.dependsOn(ebs, attachment('workload-addons-ebs-csi-AmazonEBSCSIDriverPolicy'))).toBe(true);
  });

  it('keeps the control plane in standard support: it is upgraded, not moved into paid extended support', () => {
    expect(run.ofType('aws:eks/cluster:Cluster')[0]?.inputs.upgradePolicy).toEqual({ supportType: 'STANDARD' });
  });

  it('leaves the canary weights and subset labels to Argo Rollouts (regression: a deploy mid-rollout reset them or conflicted)', () => {
    const virtualService = run.named('platform-virtualservice-gateway');
    const destinationRule = run.named('platform-destinationrule-gateway');
    expect(virtualService.ignoreChanges).toEqual(['spec.http[*].route[*].weight']);
    expect(destinationRule.ignoreChanges).toEqual(['spec.subsets[*].labels']);
    expect((virtualService.inputs.spec as { http: { route: { weight: number }[] }[] }).http.flatMap((route) => route.route.map((destination) => destination.weight))).toContain(100);
    const applied = objectsOf(run, 'platform-objects').map((object) => `${object.kind}/${object.metadata.name}`);
    expect(applied).not.toContain('VirtualService/gateway');
    expect(applied).not.toContain('DestinationRule/gateway');
    expect(applied).toContain('Rollout/gateway');
  });

  it('passes every guardrail of the CrossGuard policy pack (policies/cloud)', async () => {
    const reviewed = run.resources.filter((resource) => resource.urn !== '');
    const violations = await Promise.all(reviewed.map(async (resource) => [resource.name, await cloudPolicyViolations(resource)] as const));
    expect(violations.filter(([, found]) => found.length > 0)).toEqual([]);
    expect(reviewed.some((resource) => resource.type === 'aws:eks/cluster:Cluster')).toBe(true);
  });

  it('installs Karpenter’s charts from its OCI registry, the CRDs through a release of their own', () => {
    const karpenter = run.named('platform-operators-karpenter', 'kubernetes:helm.sh/v3:Release');
    expect(karpenter.inputs).toMatchObject({ chart: 'oci://public.ecr.aws/karpenter/karpenter', version: '1.14.1', namespace: 'karpenter', skipCrds: true });
    expect(karpenter.inputs.repositoryOpts).toBeUndefined();
    expect(run.named('platform-operators-karpenter-crd', 'kubernetes:helm.sh/v3:Release').inputs).toMatchObject({ chart: 'oci://public.ecr.aws/karpenter/karpenter-crd', version: '1.14.1' });
  });

  it('gives the gateway its Secret through envFrom', () => {
    const container = gatewayContainers(run).find((candidate) => candidate.name === 'gateway');
    expect(container?.envFrom).toContainEqual({ secretRef: { name: 'gateway-environment' } });
  });
});

function resolved<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

describe('the prod stack', () => {
  let run: StackRun;
  beforeAll(async () => {
    run = await deployed('prod');
  });

  it('lets the gateway pods reach ElastiCache in the private subnets past the default-deny egress and the mesh registry, under the partition’s ElastiCache domain', () => {
    expect(run.platform.requests.map((request) => request.gatewayExternalEgress)).toEqual([
      [{ name: 'elasticache', host: '*.cache.amazonaws.com', peers: subnetLayout('10.30.0.0/16').private.map((cidr) => ({ cidr })), ports: [{ port: REDIS_PORT }] }],
    ]);
  });

  it('admits the deployers\' networks to the private API endpoint on 443 (regression: pulumi up could not reach it)', () => {
    const [rule, ...others] = run.ofType('aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule');
    expect(others).toEqual([]);
    expect(rule?.inputs).toMatchObject({ securityGroupId: 'sg-cluster', cidrIpv4: '10.99.0.0/16', ipProtocol: 'tcp', fromPort: 443, toPort: 443 });
  });

  it('protects the cluster, the cache and the repository from deletion, and snapshots the cache when it goes', () => {
    const [cluster] = run.ofType('aws:eks/cluster:Cluster');
    expect([cluster?.inputs.deletionProtection, cluster?.protect]).toEqual([true, true]);
    const [cache] = run.ofType('aws:elasticache/replicationGroup:ReplicationGroup');
    expect([cache?.inputs.finalSnapshotIdentifier, cache?.protect]).toEqual(['uag-prod-rate-limits-final', true]);
    expect(run.ofType('aws:ecr/repository:Repository')[0]?.protect).toBe(true);
  });

  it('turns public endpoint access off', () => {
    const [cluster] = run.ofType('aws:eks/cluster:Cluster');
    expect(cluster?.inputs.vpcConfig).toMatchObject({ endpointPrivateAccess: true, endpointPublicAccess: false });
    expect((cluster?.inputs.vpcConfig as Record<string, unknown>).publicAccessCidrs).toBeUndefined();
  });

  it('runs on-demand node groups, one in each of the three zones', () => {
    const groups = run.ofType(NODE_GROUP);
    expect(groups.map((group) => [group.inputs.capacityType, group.inputs.subnetIds])).toEqual([
      ['ON_DEMAND', ['uag-prod-private-0-id']],
      ['ON_DEMAND', ['uag-prod-private-1-id']],
      ['ON_DEMAND', ['uag-prod-private-2-id']],
    ]);
  });

  it('has a NAT gateway per zone and VPC flow logs', () => {
    expect(run.ofType('aws:ec2/natGateway:NatGateway')).toHaveLength(3);
    expect(run.ofType('aws:ec2/flowLog:FlowLog')).toHaveLength(1);
  });

  it('runs ElastiCache with TLS, encryption at rest and the AUTH token as a secret, and hands the gateway a secret rediss:// URL', () => {
    const [redis] = run.ofType('aws:elasticache/replicationGroup:ReplicationGroup');
    expect(redis?.inputs).toMatchObject({ transitEncryptionEnabled: true, atRestEncryptionEnabled: true, numCacheClusters: 3, automaticFailoverEnabled: true });
    expect(isSecretInput(redis?.inputs.authToken)).toBe(true);
    const gatewaySecret = run.named('uag-prod-secrets-gateway-gateway-environment', 'aws:secretsmanager/secretVersion:SecretVersion');
    expect(isSecretInput(gatewaySecret.inputs.secretString)).toBe(true);
    expect(JSON.parse(plain(gatewaySecret.inputs.secretString) as string)).toEqual({
      UAG_REDIS_URL: 'rediss://:redis-token-value-0123456789@master.redis.test:6379',
      UAG_JWT_PUBLIC_KEY: 'jwt-public-key-value',
    });
  });

  it('outputs a secret kubeconfig, the image and its digest, the ingress host and port-forward commands', async () => {
    const outputs = run.result;
    expect(outputs.image).toBe(`${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/prod/uag-gateway:${CONTENT_TAG}`);
    expect(await pulumi.isSecret(outputs.kubeconfig as pulumi.Output<string>)).toBe(true);
    expect(JSON.parse(await resolved(outputs.kubeconfig as pulumi.Output<string>)).clusters[0].cluster.server).toBe('https://eks.test');
    expect(await resolved(outputs.clusterName)).toBe('uag-prod');
    expect(await resolved(outputs.imageDigest as pulumi.Output<string>)).toBe(PUSHED_DIGEST);
    expect(await resolved(outputs.ingressHostname)).toBe('nlb.test');
    expect(outputs.grafana).toBe('kubectl --context uag-prod -n observability port-forward svc/grafana 3000:3000, then open http://localhost:3000');
    expect(outputs.jaeger).toBe('kubectl --context uag-prod -n observability port-forward svc/jaeger 16686:16686, then open http://localhost:16686');
  });

  it('gives no second access entry to the listed principal that creates the cluster (regression: 409 on the first up)', () => {
    const adminEntries = run.ofType('aws:eks/accessEntry:AccessEntry').filter((entry) => entry.inputs.type === 'STANDARD');
    expect(adminEntries.map((entry) => entry.inputs.principalArn)).toEqual([`arn:aws:iam::${ACCOUNT}:role/on-call`]);
    expect(run.ofType('aws:eks/cluster:Cluster')[0]?.inputs.accessConfig).toMatchObject({ bootstrapClusterCreatorAdminPermissions: true });
  });

  it('gives the listed IAM principals cluster-admin access entries', () => {
    const [entry] = run.ofType('aws:eks/accessEntry:AccessEntry').filter((candidate) => candidate.inputs.type === 'STANDARD');
    expect(entry?.inputs).toMatchObject({ principalArn: `arn:aws:iam::${ACCOUNT}:role/on-call`, type: 'STANDARD' });
    expect(run.ofType('aws:eks/accessPolicyAssociation:AccessPolicyAssociation')[0]?.inputs).toMatchObject({
      policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
      accessScope: { type: 'cluster' },
    });
  });

  it('parents every resource to a uag:cloud component named as its prefix, except the provider and the storage class', () => {
    const byUrn = new Map(run.resources.filter((resource) => resource.urn !== '').map((resource) => [resource.urn, resource]));
    const outsideComponents = run.resources.filter((resource) => !resource.type.startsWith('uag:cloud:') && !byUrn.get(resource.parent)?.type.startsWith('uag:cloud:'));
    expect(outsideComponents.map((resource) => resource.name).sort()).toEqual(['uag-prod-encrypted-gp3', 'uag-prod-kubernetes']);
    for (const resource of run.resources) {
      const parent = byUrn.get(resource.parent);
      if (parent) expect({ resource: resource.name, prefixed: resource.name.startsWith(`${parent.name}-`) }).toEqual({ resource: resource.name, prefixed: true });
    }
  });

  it('installs each EKS add-on at the build EKS publishes for the cluster version, and CoreDNS, the EBS CSI driver and metrics-server only once nodes exist', () => {
    const addons = run.ofType('aws:eks/addon:Addon');
    expect(addons.map((addon) => addon.inputs.addonName).sort()).toEqual(['aws-ebs-csi-driver', 'coredns', 'eks-pod-identity-agent', 'kube-proxy', 'metrics-server', 'vpc-cni']);
    for (const addon of addons) expect(addon.inputs.addonVersion).toBe(addonBuild(String(addon.inputs.addonName), '1.33'));
    const nodeGroup = run.ofType(NODE_GROUP)[0] as RecordedResource;
    expect(run.dependsOn(run.named('uag-prod-workload-addons-coredns'), nodeGroup)).toBe(true);
    expect(run.dependsOn(nodeGroup, run.named('uag-prod-node-addons-vpc-cni'))).toBe(true);
  });
});

describe('the dev stack', () => {
  let run: StackRun;
  beforeAll(async () => {
    run = await deployed('dev');
  });

  it('runs get-token for the kubernetes provider with the stack\'s aws:profile', () => {
    const kubeconfig = JSON.parse(plain(run.named('uag-dev-kubernetes').inputs.kubeconfig) as string);
    expect(kubeconfig.users[0].user.exec.env).toEqual([{ name: 'AWS_PROFILE', value: 'uag-dev' }]);
  });

  it('can be deleted: no deletion protection outside prod', () => {
    const [cluster] = run.ofType('aws:eks/cluster:Cluster');
    expect([cluster?.inputs.deletionProtection, cluster?.protect, run.ofType('aws:ecr/repository:Repository')[0]?.protect]).toEqual([false, false, false]);
  });

  it('opens no egress for a Redis it does not have', () => {
    expect(run.platform.requests.map((request) => request.gatewayExternalEgress)).toEqual([[]]);
  });

  it('runs one spot node group over all zones with several instance types', () => {
    const groups = run.ofType(NODE_GROUP);
    expect(groups).toHaveLength(1);
    expect(groups[0]?.inputs).toMatchObject({ capacityType: 'SPOT', subnetIds: ['uag-dev-private-0-id', 'uag-dev-private-1-id', 'uag-dev-private-2-id'] });
    expect((groups[0]?.inputs.instanceTypes as string[]).length).toBeGreaterThan(1);
  });

  it('has one NAT gateway, no flow logs and no ElastiCache', () => {
    expect(run.ofType('aws:ec2/natGateway:NatGateway')).toHaveLength(1);
    expect(run.ofType('aws:ec2/flowLog:FlowLog')).toHaveLength(0);
    expect(run.ofType('aws:elasticache/replicationGroup:ReplicationGroup')).toHaveLength(0);
  });

  it('keeps a public endpoint open to the configured CIDRs only', () => {
    const [cluster] = run.ofType('aws:eks/cluster:Cluster');
    expect(cluster?.inputs.vpcConfig).toMatchObject({ endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ['203.0.113.0/24'] });
  });
});

describe('the local stack', () => {
  let run: MockedRun;
  beforeAll(async () => {
    run = await deployed('local');
  });

  it('creates no AWS resources', () => {
    expect(run.resources.filter((resource) => resource.type.startsWith('aws:')).map((resource) => resource.type)).toEqual([]);
  });

  it('deploys to the configured kubeconfig context the same operators and the platform with the locally pushed digest', () => {
    const [provider] = run.ofType('pulumi:providers:kubernetes');
    expect(provider?.inputs.context).toBe('kind-uag');
    expect(run.ofType('kubernetes:helm.sh/v3:Release').map((release) => release.inputs.name).sort()).toEqual([
      'argo-rollouts',
      'fluent-bit',
      'istio-base',
      'istio-cni',
      'istio-ingressgateway',
      'istiod',
      'loki',
      'prometheus-operator',
      'prometheus-operator-crds',
      'vpa',
    ]);
    expect(gatewayContainers(run).find((container) => container.name === 'gateway')?.image).toBe(`localhost:5000/uag-gateway:${CONTENT_TAG}`);
  });
});

describe('a deploy from a second machine, the image tag already in ECR', () => {
  let run: StackRun;
  beforeAll(async () => {
    run = await deploy('staging', { published: { 'staging/uag-gateway': ['ffffffffffffffff', CONTENT_TAG] } });
  });

  it('builds and pushes nothing, deploying the tag already there (regression: a re-push to the immutable repository failed)', async () => {
    expect(run.ofType('docker-build:index:Image')).toEqual([]);
    expect(gatewayContainers(run).find((container) => container.name === 'gateway')?.image).toBe(`${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/staging/uag-gateway:${CONTENT_TAG}`);
    expect(await new Promise((resolve) => (run.result.imageDigest as pulumi.Output<string>).apply(resolve))).toBe(PUSHED_DIGEST);
  });
});

describe('a first build', () => {
  it('builds from paths relative to the project, and forgets the build rather than deleting the pushed image once the tag exists', async () => {
    const run = await deployed('staging');
    const [image] = run.ofType('docker-build:index:Image');
    expect([image?.inputs.context, image?.inputs.dockerfile]).toEqual([{ location: '.' }, { location: 'app/Dockerfile' }]);
    expect(image?.retainOnDelete).toBe(true);
  });
});

describe('the prod stack on its first run, before the deployers\' network reaches the VPC', () => {
  let run: StackRun;
  beforeAll(async () => {
    run = await deploy('prod', { config: { 'uag:awsOnly': 'true', 'uag:privateAccessCidrs': '[]' } });
  });

  it('creates the AWS side only and nothing through the Kubernetes API', () => {
    expect(run.ofType('aws:eks/cluster:Cluster')).toHaveLength(1);
    expect(run.resources.filter((resource) => resource.type.startsWith('kubernetes:') || resource.type.startsWith('pulumi:providers:kubernetes'))).toEqual([]);
    expect(run.reads).toEqual([]);
  });
});

describe("an AWS stack given the delivery pipeline's image (uag:image)", () => {
  const pipelineImage = `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/uag-gateway@sha256:${'b'.repeat(64)}`;
  let run: StackRun;
  beforeAll(async () => {
    run = await deploy('staging', { config: { 'uag:image': pipelineImage } });
  });

  it('builds and pushes nothing and deploys exactly that digest, the one every stack gets', async () => {
    expect(run.ofType('docker-build:index:Image')).toEqual([]);
    expect(gatewayContainers(run).find((container) => container.name === 'gateway')?.image).toBe(pipelineImage);
    expect(await resolved(run.result.imageDigest as pulumi.Output<string>)).toBe(`sha256:${'b'.repeat(64)}`);
  });
});
