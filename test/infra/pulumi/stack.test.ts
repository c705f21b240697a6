import { loadStackConfig, type ConfigSource } from '../../../infra/pulumi/stack-config';
import { deployStack, type StackOutputs } from '../../../infra/pulumi/stack';
import { subnetLayout } from '../../../infra/pulumi/network';
import { REDIS_PORT } from '../../../infra/pulumi/redis';
import type { KubernetesObject } from '../../../infra/pulumi/platform-contract';
import { PUSHED_DIGEST, fakePlatform } from './fake-platform';
import { isSecretInput, plain, runMocked, type MockedRun, type RecordedResource } from './pulumi-mocks';
import * as pulumi from '@pulumi/pulumi';
import { cloudPolicyViolations } from '../../../policies/cloud/evaluate-resource';

const SECRETS: Record<string, string> = {
  'uag:grafanaAdminPassword': 'grafana-password-value',
  'uag:alertmanagerPagerDutyRoutingKey': 'pagerduty-key-value',
  'uag:alertmanagerChatWebhookUrl': 'https://hooks.slack.test/chat-value',
  'uag:alertmanagerWebhookUrl': 'https://alerts.test/webhook-value',
  'uag:redisAuthToken': 'redis-token-value-0123456789',
  'uag:jwtPublicKey': 'jwt-public-key-value',
};

const STACK_CONFIG: Record<string, Record<string, string>> = {
  dev: { 'aws:region': 'eu-west-1', 'uag:domain': 'api.dev.example.org', 'uag:publicAccessCidrs': '["203.0.113.0/24"]', 'uag:grafanaAdminPassword': SECRETS['uag:grafanaAdminPassword'] as string },
  staging: {
    'aws:region': 'eu-west-1',
    'uag:domain': 'api.staging.example.org',
    'uag:publicAccessCidrs': '["203.0.113.0/24"]',
    ...withoutKey(SECRETS, 'uag:jwtPublicKey'),
  },
  prod: { 'aws:region': 'eu-west-1', 'uag:domain': 'api.example.org', 'uag:clusterAdminArns': '["arn:aws:iam::123456789012:role/platform-admin"]', ...SECRETS },
  local: { 'uag:grafanaAdminPassword': SECRETS['uag:grafanaAdminPassword'] as string, 'uag:kubeconfigContext': 'kind-uag' },
};

function withoutKey(values: Record<string, string>, key: string): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([name]) => name !== key));
}

/** Config as `pulumi up` reads it, for a mocked run: secrets come back as Pulumi secrets. */
function configSource(values: Record<string, string>): ConfigSource {
  return {
    get: (key) => values[key],
    getSecret: (key) => (values[key] === undefined ? undefined : pulumi.secret(values[key] as string)),
  };
}

const OUTPUTS = {
  'docker-build:index:Image': () => ({ digest: PUSHED_DIGEST }),
  'aws:ecr/repository:Repository': (inputs: Record<string, unknown>) => ({ repositoryUrl: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${String(inputs.name)}`, registryId: '123456789012' }),
  'aws:eks/cluster:Cluster': () => ({
    endpoint: 'https://eks.test',
    certificateAuthority: { data: 'Y2E=' },
    identities: [{ oidcs: [{ issuer: 'https://oidc.eks.test/id/1' }] }],
    vpcConfig: { clusterSecurityGroupId: 'sg-cluster' },
  }),
  'aws:ec2/launchTemplate:LaunchTemplate': () => ({ latestVersion: 1 }),
  'aws:elasticache/replicationGroup:ReplicationGroup': () => ({ primaryEndpointAddress: 'master.redis.test' }),
  'kubernetes:core/v1:Service': () => ({ status: { loadBalancer: { ingress: [{ hostname: 'nlb.test' }] } } }),
};

type StackRun = MockedRun & { readonly result: StackOutputs; readonly platform: ReturnType<typeof fakePlatform> };
const runs = new Map<string, StackRun>();

/** Each stack's program runs once per file; the mock engine is global, so runs happen one after another. */
async function deploy(stack: string): Promise<StackRun> {
  const cached = runs.get(stack);
  if (cached) return cached;
  const platform = fakePlatform();
  const run = { ...(await runMocked({ stack, outputs: OUTPUTS }, () => deployStack(loadStackConfig(stack, configSource(STACK_CONFIG[stack] ?? {})), platform))), platform };
  runs.set(stack, run);
  return run;
}

const NODE_GROUP = 'aws:eks/nodeGroup:NodeGroup';
const LAUNCH_TEMPLATE = 'aws:ec2/launchTemplate:LaunchTemplate';
const CONFIG_GROUP = 'kubernetes:yaml/v2:ConfigGroup';

function objectsOf(run: MockedRun, name: string): KubernetesObject[] {
  return run.named(name, CONFIG_GROUP).inputs.objs as KubernetesObject[];
}

describe.each(['dev', 'staging', 'prod'])('the %s stack', (stack) => {
  let run: MockedRun;
  beforeAll(async () => {
    run = await deploy(stack);
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

  it('pushes the image under its content tag and deploys exactly the pushed digest', () => {
    const [image] = run.ofType('docker-build:index:Image');
    const repositoryUrl = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${stack}/uag-gateway`;
    expect(image?.inputs.tags).toEqual([`${repositoryUrl}:0123456789abcdef`]);
    expect(image?.inputs.push).toBe(true);
    const deployment = objectsOf(run, 'platform-objects').find((object) => object.kind === 'Deployment');
    const containers = (deployment?.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers;
    expect(containers[0]?.image).toBe(`${repositoryUrl}@${PUSHED_DIGEST}`);
  });

  it('keeps every Secret value a Pulumi secret', () => {
    const secrets = run.ofType('kubernetes:core/v1:Secret');
    expect(secrets.length).toBeGreaterThanOrEqual(2);
    for (const secret of secrets) {
      expect({ secret: secret.name, isSecret: isSecretInput(secret.inputs.stringData), data: secret.inputs.data }).toEqual({ secret: secret.name, isSecret: true, data: undefined });
    }
    const grafana = run.named('platform-secrets-observability-grafana-admin');
    expect(plain(grafana.inputs.stringData)).toEqual({ password: SECRETS['uag:grafanaAdminPassword'] });
    const allPlatformObjects = JSON.stringify([objectsOf(run, 'platform-objects'), objectsOf(run, 'platform-namespaces')]);
    for (const value of Object.values(SECRETS)) expect(allPlatformObjects).not.toContain(value);
  });

  it('applies the objects needing CRDs and webhooks after the operators that serve them, and namespaces and Secrets before', () => {
    const objects = run.named('platform-objects', CONFIG_GROUP);
    for (const release of ['istio-base', 'istiod', 'prometheus-operator-crds', 'prometheus-operator', 'argo-rollouts']) {
      expect({ release, before: run.dependsOn(objects, run.named(`platform-operators-${release}`)) }).toEqual({ release, before: true });
    }
    expect(run.dependsOn(objects, run.named('platform-namespaces', CONFIG_GROUP))).toBe(true);
    for (const secret of run.ofType('kubernetes:core/v1:Secret')) expect(run.dependsOn(objects, secret)).toBe(true);
    expect(run.dependsOn(run.named('platform-operators-istiod'), run.named('platform-operators-istio-base'))).toBe(true);
    expect(run.dependsOn(run.named('platform-operators-prometheus-operator'), run.named('platform-operators-prometheus-operator-crds'))).toBe(true);
  });

  it('passes every guardrail of the CrossGuard policy pack (policies/cloud)', async () => {
    const reviewed = run.resources.filter((resource) => resource.urn !== '');
    const violations = await Promise.all(reviewed.map(async (resource) => [resource.name, await cloudPolicyViolations(resource)] as const));
    expect(violations.filter(([, found]) => found.length > 0)).toEqual([]);
    expect(reviewed.some((resource) => resource.type === 'aws:eks/cluster:Cluster')).toBe(true);
  });

  it('gives the gateway its Secret through envFrom', () => {
    const deployment = objectsOf(run, 'platform-objects').find((object) => object.kind === 'Deployment');
    const [container] = (deployment?.spec as { template: { spec: { containers: { envFrom: unknown[] }[] } } }).template.spec.containers;
    expect(container?.envFrom).toEqual([{ secretRef: { name: 'gateway-environment' } }]);
  });
});

function resolved<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

describe('the prod stack', () => {
  let run: StackRun;
  beforeAll(async () => {
    run = await deploy('prod');
  });

  it('lets the gateway pods reach ElastiCache in the private subnets past the default-deny egress', () => {
    expect(run.platform.requests.map((request) => request.gatewayExternalEgress)).toEqual([
      [{ peers: subnetLayout('10.30.0.0/16').private.map((cidr) => ({ cidr })), ports: [{ port: REDIS_PORT }] }],
    ]);
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
    const gatewaySecret = run.named('platform-secrets-gateway-gateway-environment');
    expect(plain(gatewaySecret.inputs.stringData)).toEqual({
      UAG_REDIS_URL: 'rediss://:redis-token-value-0123456789@master.redis.test:6379',
      UAG_JWT_PUBLIC_KEY: 'jwt-public-key-value',
    });
  });

  it('outputs a secret kubeconfig, the pushed digest, the ingress host and port-forward commands', async () => {
    const outputs = run.result;
    expect(await pulumi.isSecret(outputs.kubeconfig as pulumi.Output<string>)).toBe(true);
    expect(JSON.parse(await resolved(outputs.kubeconfig as pulumi.Output<string>)).clusters[0].cluster.server).toBe('https://eks.test');
    expect(await resolved(outputs.clusterName)).toBe('uag-prod');
    expect(await resolved(outputs.imageDigest as pulumi.Output<string>)).toBe(PUSHED_DIGEST);
    expect(await resolved(outputs.ingressHostname)).toBe('nlb.test');
    expect(outputs.grafana).toBe('kubectl --context uag-prod -n observability port-forward svc/grafana 3000:3000, then open http://localhost:3000');
    expect(outputs.jaeger).toBe('kubectl --context uag-prod -n observability port-forward svc/jaeger 16686:16686, then open http://localhost:16686');
  });

  it('gives the listed IAM principals cluster-admin access entries', () => {
    const [entry] = run.ofType('aws:eks/accessEntry:AccessEntry');
    expect(entry?.inputs).toMatchObject({ principalArn: 'arn:aws:iam::123456789012:role/platform-admin', type: 'STANDARD' });
    expect(run.ofType('aws:eks/accessPolicyAssociation:AccessPolicyAssociation')[0]?.inputs).toMatchObject({
      policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
      accessScope: { type: 'cluster' },
    });
  });

  it('parents every resource to a uag:cloud component named as its prefix, except the provider and the ingress lookup', () => {
    const byUrn = new Map(run.resources.filter((resource) => resource.urn !== '').map((resource) => [resource.urn, resource]));
    const outsideComponents = run.resources.filter((resource) => !resource.type.startsWith('uag:cloud:') && !byUrn.get(resource.parent)?.type.startsWith('uag:cloud:'));
    expect(outsideComponents.map((resource) => resource.name).sort()).toEqual(['ingress-gateway-service', 'uag-prod-kubernetes']);
    for (const resource of run.resources) {
      const parent = byUrn.get(resource.parent);
      if (parent) expect({ resource: resource.name, prefixed: resource.name.startsWith(`${parent.name}-`) }).toEqual({ resource: resource.name, prefixed: true });
    }
  });

  it('pins every EKS add-on version and installs CoreDNS and the EBS CSI driver only once nodes exist', () => {
    const addons = run.ofType('aws:eks/addon:Addon');
    expect(addons.map((addon) => addon.inputs.addonName).sort()).toEqual(['aws-ebs-csi-driver', 'coredns', 'eks-pod-identity-agent', 'kube-proxy', 'vpc-cni']);
    for (const addon of addons) expect(addon.inputs.addonVersion).toMatch(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
    const nodeGroup = run.ofType(NODE_GROUP)[0] as RecordedResource;
    expect(run.dependsOn(run.named('uag-prod-workload-addons-coredns'), nodeGroup)).toBe(true);
    expect(run.dependsOn(nodeGroup, run.named('uag-prod-node-addons-vpc-cni'))).toBe(true);
  });
});

describe('the dev stack', () => {
  let run: StackRun;
  beforeAll(async () => {
    run = await deploy('dev');
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
    run = await deploy('local');
  });

  it('creates no AWS resources', () => {
    expect(run.resources.filter((resource) => resource.type.startsWith('aws:')).map((resource) => resource.type)).toEqual([]);
  });

  it('deploys to the configured kubeconfig context the same operators and the platform with the locally pushed digest', () => {
    const [provider] = run.ofType('pulumi:providers:kubernetes');
    expect(provider?.inputs.context).toBe('kind-uag');
    expect(run.ofType('kubernetes:helm.sh/v3:Release').map((release) => release.inputs.name).sort()).toEqual([
      'argo-rollouts',
      'istio-base',
      'istio-ingressgateway',
      'istiod',
      'prometheus-operator',
      'prometheus-operator-crds',
    ]);
    const deployment = objectsOf(run, 'platform-objects').find((object) => object.kind === 'Deployment');
    const containers = (deployment?.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers;
    expect(containers[0]?.image).toBe(`localhost:5000/uag-gateway@${PUSHED_DIGEST}`);
  });
});

describe('an AWS stack given the delivery pipeline\'s image (uag:image)', () => {
  const pipelineImage = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/uag-gateway@sha256:${'b'.repeat(64)}`;
  let run: MockedRun & { readonly result: StackOutputs };
  beforeAll(async () => {
    const config = loadStackConfig('staging', configSource({ ...STACK_CONFIG.staging, 'uag:image': pipelineImage }));
    run = await runMocked({ stack: 'staging', outputs: OUTPUTS }, () => deployStack(config, fakePlatform()));
  });

  it('builds and pushes nothing and deploys exactly that digest, the one every stack gets', async () => {
    expect(run.ofType('docker-build:index:Image')).toEqual([]);
    const deployment = objectsOf(run, 'platform-objects').find((object) => object.kind === 'Deployment');
    const containers = (deployment?.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers;
    expect(containers[0]?.image).toBe(pipelineImage);
    expect(await resolved(run.result.imageDigest as pulumi.Output<string>)).toBe(`sha256:${'b'.repeat(64)}`);
  });
});
