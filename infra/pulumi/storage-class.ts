import * as k8s from '@pulumi/kubernetes';
import { ENCRYPTED_STORAGE_CLASS } from '../k8s/platform-names';

/** The CSI driver the `aws-ebs-csi-driver` EKS add-on installs. */
export const EBS_CSI_PROVISIONER = 'ebs.csi.aws.com';

/**
 * The platform's StorageClass on EKS: gp3 volumes, encrypted (aws-ebs-csi-driver docs/parameters.md,
 * v1.48.0: `type`, `encrypted`; without `kmsKeyId` the account's default EBS key), created in the
 * zone of the pod that claims them, growable in place, and the cluster default so claims without a
 * class do not stay Pending.
 */
export function encryptedStorageClassArgs(): k8s.storage.v1.StorageClassArgs {
  return {
    metadata: { name: ENCRYPTED_STORAGE_CLASS, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: EBS_CSI_PROVISIONER,
    parameters: { type: 'gp3', encrypted: 'true' },
    volumeBindingMode: 'WaitForFirstConsumer',
    allowVolumeExpansion: true,
  };
}
