import { ebsVolumeViolations } from '../../../policies/cloud/ebs-volume';
import { ecrRepositoryViolations } from '../../../policies/cloud/ecr-repository';
import { controlPlaneLoggingViolations, DEFAULT_REQUIRED_LOG_TYPES, publicEndpointViolations, secretsEncryptionViolations } from '../../../policies/cloud/eks-cluster';
import { replicationGroupViolations } from '../../../policies/cloud/elasticache';
import { imdsV2Violations, launchTemplateVolumeViolations } from '../../../policies/cloud/launch-template';
import { nodeGroupLaunchTemplateViolations } from '../../../policies/cloud/node-group';
import { stackOfUrn } from '../../../policies/cloud/stack-name';
import { DATA_VOLUME, DEV_CLUSTER, GATEWAY_REPOSITORY, NODE_GROUP, NODE_LAUNCH_TEMPLATE, PROD_CLUSTER, RATE_LIMIT_CACHE } from './fixtures';

describe('secretsEncryptionViolations', () => {
  it('passes a KMS key over secrets', () => {
    expect(secretsEncryptionViolations(PROD_CLUSTER)).toEqual([]);
  });

  it('fails without encryptionConfig, naming the field and the value to set', () => {
    expect(secretsEncryptionViolations({ ...PROD_CLUSTER, encryptionConfig: undefined })).toEqual([
      "encryptionConfig is missing: set encryptionConfig { provider: { keyArn: <KMS key ARN> }, resources: ['secrets'] }",
    ]);
  });

  it('fails without secrets in resources or without a key', () => {
    expect(secretsEncryptionViolations({ ...PROD_CLUSTER, encryptionConfig: { provider: { keyArn: '' }, resources: [] } })).toEqual([
      "encryptionConfig.resources is []: it must include 'secrets'",
      'encryptionConfig.provider.keyArn is empty: set it to a KMS key ARN (rotation on)',
    ]);
  });
});

describe('controlPlaneLoggingViolations', () => {
  it('passes with the required log types on', () => {
    expect(controlPlaneLoggingViolations(PROD_CLUSTER, DEFAULT_REQUIRED_LOG_TYPES)).toEqual([]);
  });

  it('lists what is missing', () => {
    expect(controlPlaneLoggingViolations({ ...PROD_CLUSTER, enabledClusterLogTypes: ['api'] }, DEFAULT_REQUIRED_LOG_TYPES)).toEqual([
      'enabledClusterLogTypes lacks audit, authenticator: set enabledClusterLogTypes to include [api, audit, authenticator]',
    ]);
    expect(controlPlaneLoggingViolations({ ...PROD_CLUSTER, enabledClusterLogTypes: undefined }, ['audit'])).toHaveLength(1);
  });
});

describe('publicEndpointViolations', () => {
  it('passes a private endpoint in prod and a CIDR-restricted public one in dev', () => {
    expect(publicEndpointViolations(PROD_CLUSTER, 'prod', ['prod'])).toEqual([]);
    expect(publicEndpointViolations(DEV_CLUSTER, 'dev', ['prod'])).toEqual([]);
  });

  it('fails a public endpoint in prod, including the one EKS enables when the field is omitted', () => {
    const omitted = { ...PROD_CLUSTER, vpcConfig: { subnetIds: ['subnet-0a'] } };
    expect(publicEndpointViolations(omitted, 'prod', ['prod'])).toEqual([
      "vpcConfig.endpointPublicAccess must be false in stack 'prod' (it defaults to true when omitted)",
      "vpcConfig.endpointPrivateAccess must be true in stack 'prod', or nothing can reach the API",
    ]);
    expect(publicEndpointViolations(DEV_CLUSTER, 'prod', ['prod'])).toHaveLength(1);
  });

  it('fails a public endpoint open to the internet outside prod', () => {
    const open = { ...DEV_CLUSTER, vpcConfig: { ...DEV_CLUSTER.vpcConfig, publicAccessCidrs: ['0.0.0.0/0'] } };
    expect(publicEndpointViolations(open, 'staging', ['prod'])).toEqual([
      'vpcConfig.publicAccessCidrs is [0.0.0.0/0]: list the office or VPN CIDRs allowed to reach the public endpoint',
    ]);
  });
});

describe('stackOfUrn', () => {
  it('reads the stack from a URN and refuses anything else', () => {
    expect(stackOfUrn('urn:pulumi:prod::uag-platform::aws:eks/cluster:Cluster::uag')).toBe('prod');
    expect(() => stackOfUrn('prod')).toThrow("'prod' is not a Pulumi URN");
  });
});

describe('imdsV2Violations', () => {
  it('passes IMDSv2 with hop limit 1, and a template with metadata turned off', () => {
    expect(imdsV2Violations(NODE_LAUNCH_TEMPLATE)).toEqual([]);
    expect(imdsV2Violations({ metadataOptions: { httpEndpoint: 'disabled' } })).toEqual([]);
  });

  it('fails optional tokens and a hop limit pods can cross', () => {
    expect(imdsV2Violations({ ...NODE_LAUNCH_TEMPLATE, metadataOptions: { httpTokens: 'optional', httpPutResponseHopLimit: 2 } })).toEqual([
      "metadataOptions.httpTokens is optional: set it to 'required' (IMDSv2 only)",
      'metadataOptions.httpPutResponseHopLimit is 2: set it to 1 so pods cannot reach instance metadata',
    ]);
    expect(imdsV2Violations({})).toHaveLength(2);
  });
});

describe('launchTemplateVolumeViolations', () => {
  it('passes encrypted block devices', () => {
    expect(launchTemplateVolumeViolations(NODE_LAUNCH_TEMPLATE)).toEqual([]);
  });

  it('fails an unencrypted device and a template that declares none', () => {
    expect(launchTemplateVolumeViolations({ blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeSize: 50 } }] })).toEqual([
      "blockDeviceMappings[/dev/xvda].ebs.encrypted is unset: set it to 'true'",
    ]);
    expect(launchTemplateVolumeViolations({})).toEqual([
      "blockDeviceMappings is empty: declare the root volume (e.g. /dev/xvda) with ebs { encrypted: 'true', volumeType: 'gp3' }",
    ]);
  });
});

describe('nodeGroupLaunchTemplateViolations', () => {
  it('passes a node group with a launch template and fails one without', () => {
    expect(nodeGroupLaunchTemplateViolations(NODE_GROUP)).toEqual([]);
    expect(nodeGroupLaunchTemplateViolations({ ...NODE_GROUP, launchTemplate: undefined })).toEqual([
      'launchTemplate is unset: give the node group a launch template (IMDSv2, hop limit 1, encrypted volumes) by id or name',
    ]);
  });
});

describe('ebsVolumeViolations', () => {
  it('passes an encrypted volume and fails an unencrypted one', () => {
    expect(ebsVolumeViolations(DATA_VOLUME)).toEqual([]);
    expect(ebsVolumeViolations({ ...DATA_VOLUME, encrypted: false })).toEqual(['encrypted is false: set encrypted: true (and kmsKeyId for a customer-managed key)']);
  });
});

describe('ecrRepositoryViolations', () => {
  it('passes immutable tags with scan on push', () => {
    expect(ecrRepositoryViolations(GATEWAY_REPOSITORY)).toEqual([]);
  });

  it('fails the defaults and the exclusion variant', () => {
    expect(ecrRepositoryViolations({ name: 'uag/gateway' })).toEqual([
      "imageTagMutability is unset (MUTABLE): set it to 'IMMUTABLE'",
      'imageScanningConfiguration.scanOnPush is not true: set imageScanningConfiguration { scanOnPush: true }',
    ]);
    expect(ecrRepositoryViolations({ ...GATEWAY_REPOSITORY, imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION' })).toHaveLength(1);
  });
});

describe('replicationGroupViolations', () => {
  it('passes encryption at rest and in transit', () => {
    expect(replicationGroupViolations(RATE_LIMIT_CACHE)).toEqual([]);
  });

  it('fails each missing encryption, and the preferred transit mode', () => {
    expect(replicationGroupViolations({ ...RATE_LIMIT_CACHE, atRestEncryptionEnabled: false, transitEncryptionEnabled: undefined })).toEqual([
      'atRestEncryptionEnabled is not true: set atRestEncryptionEnabled: true',
      'transitEncryptionEnabled is not true: set transitEncryptionEnabled: true (and an authToken)',
    ]);
    expect(replicationGroupViolations({ ...RATE_LIMIT_CACHE, transitEncryptionMode: 'preferred' })).toEqual([
      "transitEncryptionMode is 'preferred', which still accepts plaintext: set it to 'required'",
    ]);
  });
});
