import type * as aws from '@pulumi/aws';
import type { Unwrap } from '@pulumi/pulumi';

export type EcrRepositoryProps = Unwrap<aws.ecr.RepositoryArgs>;

/**
 * Immutable tags make the content-derived image reference the manifests use trustworthy: a tag can
 * never be pushed twice. The `_WITH_EXCLUSION` variants reopen that, so only IMMUTABLE passes.
 */
export function ecrRepositoryViolations(repository: EcrRepositoryProps): string[] {
  const violations: string[] = [];
  if (repository.imageTagMutability !== 'IMMUTABLE') {
    violations.push(`imageTagMutability is ${repository.imageTagMutability ?? 'unset (MUTABLE)'}: set it to 'IMMUTABLE'`);
  }
  if (repository.imageScanningConfiguration?.scanOnPush !== true) {
    violations.push('imageScanningConfiguration.scanOnPush is not true: set imageScanningConfiguration { scanOnPush: true }');
  }
  return violations;
}
