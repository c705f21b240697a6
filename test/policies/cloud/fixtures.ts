import type { EbsVolumeProps } from '../../../policies/cloud/ebs-volume';
import type { EcrRepositoryProps } from '../../../policies/cloud/ecr-repository';
import type { EksClusterProps } from '../../../policies/cloud/eks-cluster';
import type { ReplicationGroupProps } from '../../../policies/cloud/elasticache';
import type { LaunchTemplateProps } from '../../../policies/cloud/launch-template';
import type { NodeGroupProps } from '../../../policies/cloud/node-group';

/**
 * Resource arguments shaped exactly like the `@pulumi/aws` Args types (inputs resolved), one
 * compliant object per resource. The Pulumi program's mock tests (issue 5) can assert their
 * resources against the same policies with these as the reference of a passing resource.
 */

export const PROD_CLUSTER: EksClusterProps = {
  roleArn: 'arn:aws:iam::123456789012:role/uag-prod-cluster',
  version: '1.33',
  vpcConfig: {
    subnetIds: ['subnet-0a', 'subnet-0b', 'subnet-0c'],
    endpointPrivateAccess: true,
    endpointPublicAccess: false,
  },
  encryptionConfig: {
    provider: { keyArn: 'arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555' },
    resources: ['secrets'],
  },
  enabledClusterLogTypes: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'],
  accessConfig: { authenticationMode: 'API' },
};

export const DEV_CLUSTER: EksClusterProps = {
  ...PROD_CLUSTER,
  vpcConfig: {
    subnetIds: ['subnet-0a', 'subnet-0b', 'subnet-0c'],
    endpointPrivateAccess: true,
    endpointPublicAccess: true,
    publicAccessCidrs: ['203.0.113.0/24'],
  },
};

export const NODE_LAUNCH_TEMPLATE: LaunchTemplateProps = {
  namePrefix: 'uag-prod-nodes-',
  metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 },
  blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeSize: 50, volumeType: 'gp3', encrypted: 'true', deleteOnTermination: 'true' } }],
};

export const NODE_GROUP: NodeGroupProps = {
  clusterName: 'uag-prod',
  nodeRoleArn: 'arn:aws:iam::123456789012:role/uag-prod-nodes',
  subnetIds: ['subnet-0a', 'subnet-0b', 'subnet-0c'],
  scalingConfig: { desiredSize: 3, minSize: 3, maxSize: 6 },
  capacityType: 'ON_DEMAND',
  launchTemplate: { id: 'lt-0123456789abcdef0', version: '1' },
};

export const DATA_VOLUME: EbsVolumeProps = {
  availabilityZone: 'eu-west-1a',
  size: 20,
  type: 'gp3',
  encrypted: true,
};

export const GATEWAY_REPOSITORY: EcrRepositoryProps = {
  name: 'uag/gateway',
  imageTagMutability: 'IMMUTABLE',
  imageScanningConfiguration: { scanOnPush: true },
};

export const RATE_LIMIT_CACHE: ReplicationGroupProps = {
  description: 'uag shared rate limits',
  engine: 'redis',
  nodeType: 'cache.t4g.small',
  numCacheClusters: 2,
  automaticFailoverEnabled: true,
  atRestEncryptionEnabled: true,
  transitEncryptionEnabled: true,
  authToken: 'from-a-pulumi-secret-in-the-real-program',
};
