import { cloudPolicyViolations, type CloudPolicyConfig } from '../../../policies/cloud/evaluate-resource';
import { CLOUD_POLICIES } from '../../../policies/cloud/policies';
import { DATA_VOLUME, DEV_CLUSTER, GATEWAY_REPOSITORY, NODE_GROUP, NODE_LAUNCH_TEMPLATE, PROD_CLUSTER, RATE_LIMIT_CACHE } from './fixtures';

function resource(type: string, inputs: object, stack: string) {
  return { type, name: 'subject', urn: `urn:pulumi:${stack}::uag-platform::${type}::subject`, inputs: inputs as Record<string, unknown> };
}

/** What one policy reports for the resource, through the pack's validateResource callbacks. */
async function reported(policy: string, type: string, inputs: object, stack: string, config: CloudPolicyConfig = {}): Promise<string[]> {
  const violations = await cloudPolicyViolations(resource(type, inputs, stack), config);
  return violations.filter((violation) => violation.policy === policy).map((violation) => violation.message);
}

const CLUSTER = 'aws:eks/cluster:Cluster';
const LAUNCH_TEMPLATE = 'aws:ec2/launchTemplate:LaunchTemplate';

/** [policy, resource type, stack, passing inputs, failing inputs, start of the expected message]. */
const CASES: Array<[string, string, string, object, object, string]> = [
  ['eks-secrets-encryption', CLUSTER, 'prod', PROD_CLUSTER, { ...PROD_CLUSTER, encryptionConfig: undefined }, 'encryptionConfig is missing'],
  ['eks-control-plane-logging', CLUSTER, 'prod', PROD_CLUSTER, { ...PROD_CLUSTER, enabledClusterLogTypes: [] }, 'enabledClusterLogTypes lacks api, audit, authenticator'],
  ['eks-private-endpoint', CLUSTER, 'prod', PROD_CLUSTER, DEV_CLUSTER, "vpcConfig.endpointPublicAccess must be false in stack 'prod'"],
  ['eks-node-group-launch-template', 'aws:eks/nodeGroup:NodeGroup', 'prod', NODE_GROUP, { ...NODE_GROUP, launchTemplate: undefined }, 'launchTemplate is unset'],
  ['launch-template-imdsv2', LAUNCH_TEMPLATE, 'dev', NODE_LAUNCH_TEMPLATE, { ...NODE_LAUNCH_TEMPLATE, metadataOptions: undefined }, 'metadataOptions.httpTokens is unset'],
  ['launch-template-encrypted-volumes', LAUNCH_TEMPLATE, 'dev', NODE_LAUNCH_TEMPLATE, { ...NODE_LAUNCH_TEMPLATE, blockDeviceMappings: [] }, 'blockDeviceMappings is empty'],
  ['ebs-volume-encrypted', 'aws:ebs/volume:Volume', 'dev', DATA_VOLUME, { ...DATA_VOLUME, encrypted: undefined }, 'encrypted is unset'],
  ['ecr-immutable-scanned', 'aws:ecr/repository:Repository', 'dev', GATEWAY_REPOSITORY, { ...GATEWAY_REPOSITORY, imageTagMutability: 'MUTABLE' }, 'imageTagMutability is MUTABLE'],
  ['elasticache-encryption', 'aws:elasticache/replicationGroup:ReplicationGroup', 'staging', RATE_LIMIT_CACHE, { ...RATE_LIMIT_CACHE, atRestEncryptionEnabled: false }, 'atRestEncryptionEnabled is not true'],
];

describe('CLOUD_POLICIES', () => {
  it('has a case for every policy, all mandatory', () => {
    expect(CLOUD_POLICIES.map((policy) => policy.name).sort()).toEqual(CASES.map(([name]) => name).sort());
    expect(CLOUD_POLICIES.every((policy) => policy.enforcementLevel === 'mandatory')).toBe(true);
  });

  it.each(CASES)('%s passes the compliant %s inputs', async (policy, type, stack, passing) => {
    expect(await reported(policy, type, passing, stack)).toEqual([]);
  });

  it.each(CASES)('%s reports the failing %s inputs', async (policy, type, stack, _passing, failing, message) => {
    expect((await reported(policy, type, failing, stack))[0]).toMatch(new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('leaves resources of other types alone', async () => {
    expect(await cloudPolicyViolations(resource('aws:s3/bucket:Bucket', { bucket: 'logs' }, 'prod'))).toEqual([]);
  });

  it('applies the config schema defaults, and per-policy config over them', async () => {
    expect(await reported('eks-private-endpoint', CLUSTER, DEV_CLUSTER, 'staging')).toEqual([]);
    const config = { 'eks-private-endpoint': { privateEndpointStacks: ['prod', 'staging'] } };
    expect(await reported('eks-private-endpoint', CLUSTER, DEV_CLUSTER, 'staging', config)).toEqual([
      "vpcConfig.endpointPublicAccess must be false in stack 'staging' (it defaults to true when omitted)",
    ]);
    const logging = { 'eks-control-plane-logging': { requiredLogTypes: ['scheduler'] } };
    expect(await reported('eks-control-plane-logging', CLUSTER, { ...PROD_CLUSTER, enabledClusterLogTypes: ['api'] }, 'prod', logging)).toEqual([
      'enabledClusterLogTypes lacks scheduler: set enabledClusterLogTypes to include [scheduler]',
    ]);
  });

  it('reports every policy that a resource breaks, named', async () => {
    const bare = { roleArn: 'arn:aws:iam::123456789012:role/r', vpcConfig: { subnetIds: ['subnet-0a'] } };
    expect((await cloudPolicyViolations(resource(CLUSTER, bare, 'prod'))).map((violation) => violation.policy)).toEqual([
      'eks-secrets-encryption',
      'eks-control-plane-logging',
      'eks-private-endpoint',
      'eks-private-endpoint',
    ]);
  });
});
