import { externalSecretsRelease } from '../../../infra/pulumi/external-secrets';
import { karpenterReleases } from '../../../infra/pulumi/karpenter';
import { ENVIRONMENT_DEFAULTS } from '../../../infra/environments';
import { CLOUD_ENVIRONMENTS, type CloudEnvironmentName } from '../../../infra/pulumi/cloud-environments';
import { operatorReleases, type IngressExposure, type OperatorRelease } from '../../../infra/pulumi/operators';

/** The AWS stacks' exposure: the controller's settings as the program passes them, its IAM grants stood in for by nothing. */
export const AWS_NLB: IngressExposure = {
  kind: 'aws-nlb',
  controller: { clusterName: 'uag-prod', region: 'eu-west-1', vpcId: 'vpc-0123' },
  controllerGrants: [],
  publicDns: { domain: 'api.example.org', hostedZoneId: 'Z0123456789ABCDEFGHIJ', region: 'eu-west-1', ownerId: 'uag-prod', externalDnsGrants: [], certManagerGrants: [] },
};

/** The add-on releases an AWS stack passes (prod's), their IAM grants stood in for by nothing. */
export const AWS_ADDON_RELEASES: readonly OperatorRelease[] = [
  ...karpenterReleases({ clusterName: 'uag-prod', region: 'eu-west-1', accountId: '123456789012', grants: [] }),
  externalSecretsRelease({ replicas: 2, grants: [] }),
];

/**
 * The releases a cluster of `environment` gets: its control plane and logs, on an AWS NLB, the
 * default client-address settings, no TCP listeners, the cluster's default StorageClass and no
 * add-ons, unless `overrides` says otherwise.
 */
export function environmentReleases(environment: CloudEnvironmentName, overrides: Partial<Parameters<typeof operatorReleases>[0]> = {}): OperatorRelease[] {
  const { controlPlane, logs } = CLOUD_ENVIRONMENTS[environment];
  return operatorReleases({ controlPlane, ingressExposure: AWS_NLB, clientAddress: ENVIRONMENT_DEFAULTS.clientAddress, tcpListenerPorts: [], logs, storageClassName: null, ...overrides });
}
