import type * as aws from '@pulumi/aws';
import type { Unwrap } from '@pulumi/pulumi';

export type LaunchTemplateProps = Unwrap<aws.ec2.LaunchTemplateArgs>;

/**
 * IMDSv2 only, with a hop limit of 1 so pods (one network hop further) cannot reach the node's
 * instance role; workloads get AWS credentials through EKS Pod Identity instead.
 */
export function imdsV2Violations(template: LaunchTemplateProps): string[] {
  const options = template.metadataOptions;
  if (options?.httpEndpoint === 'disabled') return [];
  const violations: string[] = [];
  if (options?.httpTokens !== 'required') {
    violations.push(`metadataOptions.httpTokens is ${options?.httpTokens ?? 'unset'}: set it to 'required' (IMDSv2 only)`);
  }
  if (options?.httpPutResponseHopLimit !== 1) {
    violations.push(`metadataOptions.httpPutResponseHopLimit is ${options?.httpPutResponseHopLimit ?? 'unset'}: set it to 1 so pods cannot reach instance metadata`);
  }
  return violations;
}

/**
 * Every EBS block device is encrypted. A template that declares none inherits the AMI's root
 * volume, encrypted only if the account enables encryption by default, so it must declare one.
 */
export function launchTemplateVolumeViolations(template: LaunchTemplateProps): string[] {
  const mappings = template.blockDeviceMappings ?? [];
  if (mappings.length === 0) {
    return ["blockDeviceMappings is empty: declare the root volume (e.g. /dev/xvda) with ebs { encrypted: 'true', volumeType: 'gp3' }"];
  }
  return mappings
    .filter((mapping) => mapping.ebs !== undefined && mapping.ebs.encrypted !== 'true')
    .map((mapping) => `blockDeviceMappings[${mapping.deviceName ?? '?'}].ebs.encrypted is ${mapping.ebs?.encrypted ?? 'unset'}: set it to 'true'`);
}
