import type { ResourceValidationArgs, ResourceValidationPolicy } from '@pulumi/policy';
import { CLOUD_POLICIES } from '../../../policies/cloud/policies';
import { DATA_VOLUME, DEV_CLUSTER, GATEWAY_REPOSITORY, NODE_GROUP, NODE_LAUNCH_TEMPLATE, PROD_CLUSTER, RATE_LIMIT_CACHE } from './fixtures';

class NotApplicable extends Error {}

/** What the policy server hands a validation, minus the gRPC plumbing. */
function validationArgs(type: string, props: object, stack: string, config: object = {}): ResourceValidationArgs {
  return {
    type,
    props: props as Record<string, unknown>,
    urn: `urn:pulumi:${stack}::uag-platform::${type}::subject`,
    name: 'subject',
    opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
    stackTags: new Map(),
    isType: (resourceClass) => (resourceClass as unknown as { __pulumiType?: string }).__pulumiType === type,
    asType: () => undefined,
    getConfig: <T extends object>() => config as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
  };
}

async function violations(policyName: string, args: ResourceValidationArgs): Promise<string[]> {
  const policy = CLOUD_POLICIES.find((candidate) => candidate.name === policyName) as ResourceValidationPolicy;
  const reportViolation = jest.fn();
  const validations = [policy.validateResource ?? []].flat();
  for (const validate of validations) await validate(args, reportViolation);
  return reportViolation.mock.calls.map(([message]) => message as string);
}

const CLUSTER = 'aws:eks/cluster:Cluster';

/** [policy, resource type, stack, passing props, failing props, first expected message]. */
const CASES: Array<[string, string, string, object, object, string]> = [
  ['eks-secrets-encryption', CLUSTER, 'prod', PROD_CLUSTER, { ...PROD_CLUSTER, encryptionConfig: undefined }, 'encryptionConfig is missing'],
  ['eks-control-plane-logging', CLUSTER, 'prod', PROD_CLUSTER, { ...PROD_CLUSTER, enabledClusterLogTypes: [] }, 'enabledClusterLogTypes lacks api, audit, authenticator'],
  ['eks-private-endpoint', CLUSTER, 'prod', PROD_CLUSTER, DEV_CLUSTER, "vpcConfig.endpointPublicAccess must be false in stack 'prod'"],
  ['eks-node-group-launch-template', 'aws:eks/nodeGroup:NodeGroup', 'prod', NODE_GROUP, { ...NODE_GROUP, launchTemplate: undefined }, 'launchTemplate is unset'],
  ['launch-template-imdsv2', 'aws:ec2/launchTemplate:LaunchTemplate', 'dev', NODE_LAUNCH_TEMPLATE, { ...NODE_LAUNCH_TEMPLATE, metadataOptions: undefined }, 'metadataOptions.httpTokens is unset'],
  ['launch-template-encrypted-volumes', 'aws:ec2/launchTemplate:LaunchTemplate', 'dev', NODE_LAUNCH_TEMPLATE, { ...NODE_LAUNCH_TEMPLATE, blockDeviceMappings: [] }, 'blockDeviceMappings is empty'],
  ['ebs-volume-encrypted', 'aws:ebs/volume:Volume', 'dev', DATA_VOLUME, { ...DATA_VOLUME, encrypted: undefined }, 'encrypted is unset'],
  ['ecr-immutable-scanned', 'aws:ecr/repository:Repository', 'dev', GATEWAY_REPOSITORY, { ...GATEWAY_REPOSITORY, imageTagMutability: 'MUTABLE' }, 'imageTagMutability is MUTABLE'],
  ['elasticache-encryption', 'aws:elasticache/replicationGroup:ReplicationGroup', 'staging', RATE_LIMIT_CACHE, { ...RATE_LIMIT_CACHE, atRestEncryptionEnabled: false }, 'atRestEncryptionEnabled is not true'],
];

describe('CLOUD_POLICIES wiring', () => {
  it('covers every policy with a case and marks them all mandatory', () => {
    expect(CLOUD_POLICIES.map((policy) => policy.name).sort()).toEqual(CASES.map(([name]) => name).sort());
    expect(CLOUD_POLICIES.every((policy) => policy.enforcementLevel === 'mandatory')).toBe(true);
  });

  it.each(CASES)('%s passes the compliant %s arguments', async (policy, type, stack, passing) => {
    expect(await violations(policy, validationArgs(type, passing, stack))).toEqual([]);
  });

  it.each(CASES)('%s reports the failing %s arguments', async (policy, type, stack, _passing, failing, message) => {
    const reported = await violations(policy, validationArgs(type, failing, stack));
    expect(reported[0]).toContain(message);
  });

  it('declines resources of other types as not applicable', async () => {
    await expect(violations('ecr-immutable-scanned', validationArgs(CLUSTER, PROD_CLUSTER, 'dev'))).rejects.toBeInstanceOf(NotApplicable);
  });

  it('reads the production stacks from policy config', async () => {
    const config = { privateEndpointStacks: ['prod', 'staging'] };
    expect(await violations('eks-private-endpoint', validationArgs(CLUSTER, DEV_CLUSTER, 'staging', config))).toHaveLength(1);
    expect(await violations('eks-private-endpoint', validationArgs(CLUSTER, DEV_CLUSTER, 'staging'))).toEqual([]);
  });

  it('reads the required log types from policy config', async () => {
    const cluster = { ...PROD_CLUSTER, enabledClusterLogTypes: ['api', 'audit', 'authenticator'] };
    expect(await violations('eks-control-plane-logging', validationArgs(CLUSTER, cluster, 'prod', { requiredLogTypes: ['scheduler'] }))).toEqual([
      'enabledClusterLogTypes lacks scheduler: set enabledClusterLogTypes to include [scheduler]',
    ]);
  });
});
