import type * as aws from '@pulumi/aws';
import type { Unwrap } from '@pulumi/pulumi';

export type ReplicationGroupProps = Unwrap<aws.elasticache.ReplicationGroupArgs>;

/** Encrypted at rest and in transit; transit mode `preferred` still accepts plaintext clients, so it does not count. */
export function replicationGroupViolations(group: ReplicationGroupProps): string[] {
  const violations: string[] = [];
  if (group.atRestEncryptionEnabled !== true) violations.push('atRestEncryptionEnabled is not true: set atRestEncryptionEnabled: true');
  if (group.transitEncryptionEnabled !== true) {
    violations.push('transitEncryptionEnabled is not true: set transitEncryptionEnabled: true (and an authToken)');
  } else if (group.transitEncryptionMode === 'preferred') {
    violations.push("transitEncryptionMode is 'preferred', which still accepts plaintext: set it to 'required'");
  }
  return violations;
}
