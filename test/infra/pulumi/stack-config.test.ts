import * as pulumi from '@pulumi/pulumi';
import { DEFAULT_LOCAL_REGISTRY, StackConfigError, checkRedisAuthToken, loadStackConfig, type ConfigSource } from '../../../infra/pulumi/stack-config';

function source(values: Record<string, string>): ConfigSource {
  return { get: (key) => values[key], getSecret: (key) => (values[key] === undefined ? undefined : pulumi.secret(values[key] as string)) };
}

function problemsOf(stack: string, values: Record<string, string>): readonly string[] {
  try {
    loadStackConfig(stack, source(values));
  } catch (error) {
    if (error instanceof StackConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a StackConfigError');
}

const PRIVATE_ACCESS_MISSING =
  "uag:privateAccessCidrs is missing (the prod API endpoint is private: pulumi up reaches it only from networks routed into the VPC and allowed on port 443, e.g. a VPN's client CIDR, a peered VPC or the subnet of a CI runner inside the VPC): " +
  `pulumi config set uag:privateAccessCidrs '["10.99.0.0/16"]'; on the stack's first run, before that network is connected to the VPC this stack creates: pulumi config set uag:awsOnly true, connect it, then pulumi config rm uag:awsOnly`;

const COMPLETE_PROD = {
  'aws:region': 'eu-west-1',
  'uag:domain': 'api.example.org',
  'uag:hostedZoneId': 'Z0123456789ABCDEFGHIJ',
  'uag:grafanaAdminPassword': 'x',
  'uag:alertmanagerPagerDutyRoutingKey': 'k',
  'uag:alertmanagerChatWebhookUrl': 'https://hooks.test/c',
  'uag:alertmanagerWebhookUrl': 'https://alerts.test/w',
  'uag:redisAuthToken': 'redis-token-value-0123456789',
};

const COMPLETE_DEV = { 'aws:region': 'eu-west-1', 'uag:domain': 'api.dev.example.org', 'uag:hostedZoneId': 'Z0123456789ABCDEFGHIJ', 'uag:publicAccessCidrs': '["203.0.113.0/24"]', 'uag:grafanaAdminPassword': 'x' };

describe('loadStackConfig', () => {
  it('lists every missing setting of a new dev stack with the command and an example value', () => {
    expect(problemsOf('dev', {})).toEqual([
      'uag:domain is missing (the public host the ingress gateway serves): pulumi config set uag:domain api.dev.example.org',
      'aws:region is missing (where the cluster is created): pulumi config set aws:region eu-west-1',
      `uag:publicAccessCidrs is missing (who may reach the dev API endpoint from the internet): pulumi config set uag:publicAccessCidrs '["203.0.113.0/24"]'`,
      'uag:hostedZoneId is missing (the public Route 53 zone holding uag:domain, where the ingress record and certificate challenges go; aws route53 list-hosted-zones-by-name --dns-name <zone> shows it): pulumi config set uag:hostedZoneId Z0123456789ABCDEFGHIJ',
      'uag:grafanaAdminPassword is missing (Grafana admin login): pulumi config set --secret uag:grafanaAdminPassword "$(openssl rand -base64 24)"',
    ]);
  });

  it('puts the problems in the error message under the stack name', () => {
    expect(() => loadStackConfig('dev', source({ ...COMPLETE_DEV, 'aws:region': 'Ireland' }))).toThrow(
      `stack 'dev' configuration is invalid:\n  aws:region ("Ireland") must be an AWS region name: pulumi config set aws:region eu-west-1`,
    );
  });

  it('requires alert receivers, the Redis AUTH token and no public CIDRs in prod', () => {
    const problems = problemsOf('prod', { 'aws:region': 'eu-west-1', 'uag:domain': 'api.example.org', 'uag:hostedZoneId': 'Z0123456789ABCDEFGHIJ', 'uag:grafanaAdminPassword': 'x', 'uag:publicAccessCidrs': '["203.0.113.0/24"]' });
    expect(problems).toEqual([
      'uag:publicAccessCidrs is set but the prod API endpoint is private (reach it through the VPC): pulumi config rm uag:publicAccessCidrs',
      PRIVATE_ACCESS_MISSING,
      'uag:alertmanagerPagerDutyRoutingKey is missing (prod alerts must reach someone): pulumi config set --secret uag:alertmanagerPagerDutyRoutingKey <32-character PagerDuty Events v2 integration key>',
      'uag:alertmanagerChatWebhookUrl is missing (prod alerts must reach someone): pulumi config set --secret uag:alertmanagerChatWebhookUrl https://hooks.slack.com/services/T0000/B0000/XXXXXXXX',
      'uag:alertmanagerWebhookUrl is missing (prod alerts must reach someone): pulumi config set --secret uag:alertmanagerWebhookUrl https://alerts.example.org/alertmanager',
      'uag:redisAuthToken is missing (the prod ElastiCache requires AUTH): pulumi config set --secret uag:redisAuthToken "$(openssl rand -hex 32)"',
    ]);
  });

  it('prod without uag:privateAccessCidrs explains how pulumi up reaches its private endpoint (regression: the first up could not reach the API)', () => {
    expect(problemsOf('prod', COMPLETE_PROD)).toEqual([PRIVATE_ACCESS_MISSING]);
    expect(problemsOf('prod', { ...COMPLETE_PROD, 'uag:privateAccessCidrs': '["0.0.0.0/0"]' })).toEqual([
      `uag:privateAccessCidrs ("[\\"0.0.0.0/0\\"]") must name the networks pulumi up runs from, not every address: pulumi config set uag:privateAccessCidrs '["10.99.0.0/16"]'`,
    ]);
    expect(problemsOf('prod', { ...COMPLETE_PROD, 'uag:awsOnly': 'yes' })).toEqual([
      'uag:awsOnly ("yes") must be true or false: pulumi config set uag:awsOnly true',
      PRIVATE_ACCESS_MISSING,
    ]);
  });

  it('accepts prod with the deployers\' networks, or a first run that creates the AWS side only', () => {
    const target = (values: Record<string, string>) => loadStackConfig('prod', source(values)).target;
    expect(target({ ...COMPLETE_PROD, 'uag:privateAccessCidrs': '["10.99.0.0/16"]', 'aws:profile': 'prod-admin' })).toMatchObject({
      privateAccessCidrs: ['10.99.0.0/16'],
      awsOnly: false,
      awsProfile: 'prod-admin',
    });
    expect(target({ ...COMPLETE_PROD, 'uag:awsOnly': 'true' })).toMatchObject({ privateAccessCidrs: [], awsOnly: true });
  });

  it('rejects malformed lists and a public endpoint open to everyone', () => {
    expect(problemsOf('dev', { ...COMPLETE_DEV, 'uag:publicAccessCidrs': '203.0.113.0/24' })).toEqual([
      `uag:publicAccessCidrs ("203.0.113.0/24") must be a JSON list of IPv4 CIDR blocks: pulumi config set uag:publicAccessCidrs '["203.0.113.0/24"]'`,
    ]);
    expect(problemsOf('dev', { ...COMPLETE_DEV, 'uag:publicAccessCidrs': '["0.0.0.0/0"]' })).toEqual([
      `uag:publicAccessCidrs ("[\\"0.0.0.0/0\\"]") must not open the API endpoint to the whole internet: pulumi config set uag:publicAccessCidrs '["203.0.113.0/24"]'`,
    ]);
    expect(problemsOf('dev', { ...COMPLETE_DEV, 'uag:publicAccessCidrs': '[]' })).toEqual([
      `uag:publicAccessCidrs ("[]") must list at least one CIDR block: pulumi config set uag:publicAccessCidrs '["203.0.113.0/24"]'`,
    ]);
    expect(problemsOf('dev', { ...COMPLETE_DEV, 'uag:clusterAdminArns': '["platform-admin"]' })).toEqual([
      `uag:clusterAdminArns ("[\\"platform-admin\\"]") must be a JSON list of IAM role or user ARNs: pulumi config set uag:clusterAdminArns '["arn:aws:iam::123456789012:role/platform-admin"]'`,
    ]);
  });

  it('rejects settings that conflict: half a TLS pair, some receivers only, a Redis token without ElastiCache', () => {
    expect(problemsOf('dev', { ...COMPLETE_DEV, 'uag:alertmanagerWebhookUrl': 'https://a.test', 'uag:redisAuthToken': 't'.repeat(20) })).toEqual([
      'uag:alertmanagerPagerDutyRoutingKey is missing (Alertmanager receivers are set all together or not at all): pulumi config set --secret uag:alertmanagerPagerDutyRoutingKey <32-character PagerDuty Events v2 integration key>',
      'uag:alertmanagerChatWebhookUrl is missing (Alertmanager receivers are set all together or not at all): pulumi config set --secret uag:alertmanagerChatWebhookUrl https://hooks.slack.com/services/T0000/B0000/XXXXXXXX',
      "uag:redisAuthToken is set but stack 'dev' runs no ElastiCache: pulumi config rm uag:redisAuthToken",
    ]);
    expect(problemsOf('local', { 'uag:grafanaAdminPassword': 'x', 'uag:tlsCertificate': 'pem' })).toEqual([
      'uag:tlsPrivateKey is missing (the TLS certificate and its key are set together): pulumi config set --secret uag:tlsPrivateKey "$(cat tls.key)"',
    ]);
  });

  it('takes no hand-made certificate on an AWS stack, where cert-manager issues it, and wants a well-formed hosted zone ID (regression: the TLS Secret had to be created by hand)', () => {
    expect(problemsOf('dev', { ...COMPLETE_DEV, 'uag:hostedZoneId': '/hostedzone/Z0123', 'uag:tlsCertificate': 'pem', 'uag:tlsPrivateKey': 'key' })).toEqual([
      'uag:hostedZoneId ("/hostedzone/Z0123") must be a Route 53 hosted zone ID (Z followed by capital letters and digits, without /hostedzone/): pulumi config set uag:hostedZoneId Z0123456789ABCDEFGHIJ',
      "uag:tlsCertificate is set but cert-manager issues the dev ingress certificate (Let's Encrypt, DNS-01 in uag:hostedZoneId): pulumi config rm uag:tlsCertificate",
      "uag:tlsPrivateKey is set but cert-manager issues the dev ingress certificate (Let's Encrypt, DNS-01 in uag:hostedZoneId): pulumi config rm uag:tlsPrivateKey",
    ]);
    expect(problemsOf('local', { 'uag:grafanaAdminPassword': 'x', 'uag:hostedZoneId': 'Z0123' })).toEqual(['uag:hostedZoneId is set but the local stack creates no AWS resources: pulumi config rm uag:hostedZoneId']);
  });

  it('keeps AWS settings out of the local stack and local settings out of AWS stacks', () => {
    expect(problemsOf('local', { 'uag:grafanaAdminPassword': 'x', 'aws:region': 'eu-west-1' })).toEqual([
      'aws:region is set but the local stack creates no AWS resources: pulumi config rm aws:region',
    ]);
    expect(problemsOf('staging', { ...COMPLETE_DEV, 'uag:localRegistry': 'registry.test:5000', 'uag:environment': 'prod' }).slice(0, 2)).toEqual([
      "uag:environment is set but stack 'staging' always deploys the 'staging' environment: pulumi config rm uag:environment",
      'uag:localRegistry is set but it applies to the local stack only: pulumi config rm uag:localRegistry',
    ]);
  });

  it('takes the delivery pipeline\'s pre-built image on an AWS stack, and refuses a mutable one there too', () => {
    const image = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/uag-gateway@sha256:${'a'.repeat(64)}`;
    expect(loadStackConfig('dev', source({ ...COMPLETE_DEV, 'uag:image': image })).target).toMatchObject({ kind: 'aws', image });
    expect(loadStackConfig('dev', source(COMPLETE_DEV)).target).toMatchObject({ kind: 'aws', image: undefined });
    expect(problemsOf('dev', { ...COMPLETE_DEV, 'uag:image': 'registry.test/uag-gateway' })).toEqual([
      'uag:image ("registry.test/uag-gateway") must carry a digest or an immutable tag, not :latest or none: pulumi config set uag:image localhost:5000/uag-gateway@sha256:<64 hex digits>',
    ]);
  });

  it('refuses a mutable pre-built image and an unknown stack name', () => {
    expect(problemsOf('local', { 'uag:grafanaAdminPassword': 'x', 'uag:image': 'registry.test/uag-gateway:latest' })).toEqual([
      'uag:image ("registry.test/uag-gateway:latest") must carry a digest or an immutable tag, not :latest or none: pulumi config set uag:image localhost:5000/uag-gateway@sha256:<64 hex digits>',
    ]);
    expect(problemsOf('qa', {})).toEqual(['the stack name must be one of dev, staging, prod, local: pulumi stack init dev']);
  });

  it('reads a minimal local stack: dev environment, current context, image built into the local registry', () => {
    const config = loadStackConfig('local', source({ 'uag:grafanaAdminPassword': 'x' }));
    expect(config).toMatchObject({ stack: 'local', environment: 'dev', domain: undefined, target: { kind: 'local', kubeconfigContext: undefined, image: undefined, registry: DEFAULT_LOCAL_REGISTRY } });
    expect(config.secrets.alertReceivers).toBeUndefined();
  });

  it('checks the decrypted Redis token against the ElastiCache AUTH rules, naming the key', () => {
    expect(checkRedisAuthToken('a'.repeat(16))).toBe('a'.repeat(16));
    for (const token of ['short', `${'a'.repeat(16)}@`, 'a'.repeat(129)]) {
      expect(() => checkRedisAuthToken(token)).toThrow('uag:redisAuthToken must be 16-128 printable characters without @, " or /: pulumi config set --secret uag:redisAuthToken "$(openssl rand -hex 32)"');
    }
  });
});
