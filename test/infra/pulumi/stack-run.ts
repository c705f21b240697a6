import * as pulumi from '@pulumi/pulumi';
import { cdk8sPlatform } from '../../../infra/pulumi/cdk8s-platform';
import type { KubernetesObject, PlatformRenderRequest, PlatformSource } from '../../../infra/pulumi/platform-contract';
import { loadStackConfig, type ConfigSource } from '../../../infra/pulumi/stack-config';
import { deployStack, type StackOutputs } from '../../../infra/pulumi/stack';
import { runMocked, type MockedRun, type MockOptions } from './pulumi-mocks';

/** Stands in for the content tag `npm run synth` computes from app/dist, so the tests need no build. */
export const CONTENT_TAG = '0123456789abcdef';
export const PUSHED_DIGEST = `sha256:${'d'.repeat(64)}`;
export const ACCOUNT = '123456789012';
/** The role the deploying session assumed; also listed as an admin in the prod config, as a team would. */
export const DEPLOYER_ROLE = `arn:aws:iam::${ACCOUNT}:role/platform-admin`;

export const SECRETS: Record<string, string> = {
  'uag:grafanaAdminPassword': 'grafana-password-value',
  'uag:alertmanagerPagerDutyRoutingKey': 'pagerduty-key-value',
  'uag:alertmanagerChatWebhookUrl': 'https://hooks.slack.test/chat-value',
  'uag:alertmanagerWebhookUrl': 'https://alerts.test/webhook-value',
  'uag:redisAuthToken': 'redis-token-value-0123456789',
  'uag:jwtPublicKey': 'jwt-public-key-value',
};

function withoutKey(values: Record<string, string>, key: string): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([name]) => name !== key));
}

export const STACK_CONFIG: Record<string, Record<string, string>> = {
  dev: {
    'aws:region': 'eu-west-1',
    'aws:profile': 'uag-dev',
    'uag:domain': 'api.dev.example.org',
    'uag:hostedZoneId': 'Z0123456789ABCDEFGHIJ',
    'uag:publicAccessCidrs': '["203.0.113.0/24"]',
    'uag:grafanaAdminPassword': SECRETS['uag:grafanaAdminPassword'] as string,
  },
  staging: {
    'aws:region': 'eu-west-1',
    'uag:domain': 'api.staging.example.org',
    'uag:hostedZoneId': 'Z0123456789ABCDEFGHIJ',
    'uag:publicAccessCidrs': '["203.0.113.0/24"]',
    ...withoutKey(SECRETS, 'uag:jwtPublicKey'),
  },
  prod: {
    'aws:region': 'eu-west-1',
    'uag:domain': 'api.example.org',
    'uag:hostedZoneId': 'Z0123456789ABCDEFGHIJ',
    'uag:clusterAdminArns': `["${DEPLOYER_ROLE}", "arn:aws:iam::${ACCOUNT}:role/on-call"]`,
    'uag:privateAccessCidrs': '["10.99.0.0/16"]',
    ...SECRETS,
  },
  local: { 'uag:grafanaAdminPassword': SECRETS['uag:grafanaAdminPassword'] as string, 'uag:kubeconfigContext': 'kind-uag' },
};

/** Config as `pulumi up` reads it, for a mocked run: secrets come back as Pulumi secrets. */
export function configSource(values: Record<string, string>): ConfigSource {
  return {
    get: (key) => values[key],
    getSecret: (key) => (values[key] === undefined ? undefined : pulumi.secret(values[key] as string)),
  };
}

/** Outputs AWS and the cluster would give each resource type on an update. */
const OUTPUTS: MockOptions['outputs'] = {
  'docker-build:index:Image': () => ({ digest: PUSHED_DIGEST }),
  'aws:ecr/repository:Repository': (inputs) => ({ repositoryUrl: `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/${String(inputs.name)}`, registryId: ACCOUNT }),
  'aws:eks/cluster:Cluster': () => ({
    endpoint: 'https://eks.test',
    certificateAuthority: { data: 'Y2E=' },
    identities: [{ oidcs: [{ issuer: 'https://oidc.eks.test/id/1' }] }],
    vpcConfig: { clusterSecurityGroupId: 'sg-cluster' },
  }),
  'aws:ec2/launchTemplate:LaunchTemplate': () => ({ latestVersion: 1 }),
  'aws:elasticache/replicationGroup:ReplicationGroup': () => ({ primaryEndpointAddress: 'master.redis.test' }),
  'kubernetes:helm.sh/v3:Release': (inputs) => ({ status: { name: inputs.name, namespace: inputs.namespace, status: 'deployed' } }),
};

/** EKS's default build of an add-on per Kubernetes minor, as getAddonVersion answers. */
export function addonBuild(addonName: string, kubernetesVersion: string): string {
  return `v1.0.0-${addonName}-for-${kubernetesVersion}-eksbuild.1`;
}

/** The tags already pushed to each ECR repository, for a run on a second machine. */
export type PublishedImages = Record<string, readonly string[]>;

function awsInvokes(published: PublishedImages): MockOptions['invokes'] {
  return {
    'aws:index/getCallerIdentity:getCallerIdentity': () => ({ accountId: ACCOUNT, arn: `arn:aws:sts::${ACCOUNT}:assumed-role/platform-admin/deploy-session`, userId: 'AROA:deploy' }),
    'aws:index/getPartition:getPartition': () => ({ partition: 'aws', dnsSuffix: 'amazonaws.com', id: 'aws' }),
    'aws:iam/getSessionContext:getSessionContext': () => ({ issuerArn: DEPLOYER_ROLE, issuerName: 'platform-admin', sessionName: 'deploy-session' }),
    'aws:eks/getAddonVersion:getAddonVersion': (args) => ({ version: addonBuild(String(args.addonName), String(args.kubernetesVersion)) }),
    'aws:ecr/getRepositories:getRepositories': () => ({ names: Object.keys(published) }),
    'aws:ecr/getImages:getImages': (args) => ({ imageIds: (published[String(args.repositoryName)] ?? []).map((imageTag) => ({ imageTag, imageDigest: PUSHED_DIGEST })) }),
  };
}

/** The ingress gateway's Service, which exists once its release is installed. */
function existingObjects(preview: boolean): MockOptions['existing'] {
  return {
    'kubernetes:core/v1:Service': (id) => (!preview && id === 'istio-system/istio-ingressgateway' ? { status: { loadBalancer: { ingress: [{ hostname: 'nlb.test' }] } } } : undefined),
  };
}

/** The real cdk8s platform (what `npm run synth` renders), recording what it was asked to render. */
export function recordingPlatform(): PlatformSource & { readonly requests: PlatformRenderRequest[] } {
  const real = cdk8sPlatform();
  const requests: PlatformRenderRequest[] = [];
  return {
    requests,
    render: (request) => {
      requests.push(request);
      return real.render(request);
    },
    imageTag: () => CONTENT_TAG,
    ingressTlsSecretName: real.ingressTlsSecretName,
    clientAddress: real.clientAddress,
    ingressHosts: real.ingressHosts,
  };
}

export type StackRun = MockedRun & { readonly result: StackOutputs; readonly platform: ReturnType<typeof recordingPlatform> };

export interface DeployOptions {
  /** `pulumi preview` of a stack where nothing exists yet. @default false */
  readonly preview?: boolean;
  readonly published?: PublishedImages;
  /** Config beyond the stack's own. */
  readonly config?: Record<string, string>;
}

/** Runs the whole program for `stack` under the mock engine with the real platform. */
export async function deploy(stack: string, options: DeployOptions = {}): Promise<StackRun> {
  const platform = recordingPlatform();
  const preview = options.preview ?? false;
  const run = await runMocked(
    { stack, outputs: OUTPUTS, preview, invokes: awsInvokes(options.published ?? {}), existing: existingObjects(preview) },
    () => deployStack(loadStackConfig(stack, configSource({ ...(STACK_CONFIG[stack] ?? {}), ...options.config })), platform),
  );
  return { ...run, platform };
}

export const CONFIG_GROUP = 'kubernetes:yaml/v2:ConfigGroup';

/** The objects a ConfigGroup was registered with. */
export function objectsOf(run: MockedRun, name: string): KubernetesObject[] {
  return run.named(name, CONFIG_GROUP).inputs.objs as KubernetesObject[];
}

/** The gateway Rollout's containers as applied. */
export function gatewayContainers(run: MockedRun): { name: string; image: string; envFrom?: unknown[] }[] {
  const rollout = objectsOf(run, 'platform-objects').find((object) => object.kind === 'Rollout');
  return (rollout?.spec as { template: { spec: { containers: { name: string; image: string; envFrom?: unknown[] }[] } } }).template.spec.containers;
}
