import type * as aws from '@pulumi/aws';
import type { Unwrap } from '@pulumi/pulumi';

export type EbsVolumeProps = Unwrap<aws.ebs.VolumeArgs>;

export function ebsVolumeViolations(volume: EbsVolumeProps): string[] {
  return volume.encrypted === true ? [] : [`encrypted is ${volume.encrypted ?? 'unset'}: set encrypted: true (and kmsKeyId for a customer-managed key)`];
}
