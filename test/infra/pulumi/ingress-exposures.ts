import { externalSecretsRelease } from '../../../infra/pulumi/external-secrets';
import { karpenterReleases } from '../../../infra/pulumi/karpenter';
import type { IngressExposure, OperatorRelease } from '../../../infra/pulumi/operators';

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
