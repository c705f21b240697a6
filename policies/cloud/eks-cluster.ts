import type * as aws from '@pulumi/aws';
import type { Unwrap } from '@pulumi/pulumi';

/** EKS cluster arguments as a policy receives them: inputs resolved to plain values. */
export type EksClusterProps = Unwrap<aws.eks.ClusterArgs>;

/** Envelope encryption of Secrets in etcd with a customer-managed KMS key. */
export function secretsEncryptionViolations(cluster: EksClusterProps): string[] {
  const config = cluster.encryptionConfig;
  if (config === undefined) {
    return ["encryptionConfig is missing: set encryptionConfig { provider: { keyArn: <KMS key ARN> }, resources: ['secrets'] }"];
  }
  const violations: string[] = [];
  if (!config.resources.includes('secrets')) violations.push(`encryptionConfig.resources is [${config.resources.join(', ')}]: it must include 'secrets'`);
  if (!config.provider.keyArn) violations.push('encryptionConfig.provider.keyArn is empty: set it to a KMS key ARN (rotation on)');
  return violations;
}

/** The log types a security review needs: API calls, the audit trail, and who authenticated. */
export const DEFAULT_REQUIRED_LOG_TYPES: readonly string[] = ['api', 'audit', 'authenticator'];

export function controlPlaneLoggingViolations(cluster: EksClusterProps, requiredLogTypes: readonly string[]): string[] {
  const enabled = cluster.enabledClusterLogTypes ?? [];
  const missing = requiredLogTypes.filter((type) => !enabled.includes(type));
  return missing.length === 0
    ? []
    : [`enabledClusterLogTypes lacks ${missing.join(', ')}: set enabledClusterLogTypes to include [${requiredLogTypes.join(', ')}]`];
}

/** Stacks whose API endpoint must be private. */
export const DEFAULT_PRIVATE_ENDPOINT_STACKS: readonly string[] = ['prod'];

const ANYWHERE = ['0.0.0.0/0', '::/0'];

/**
 * Private-only in the listed stacks; elsewhere the public endpoint may stay on but only for
 * declared CIDRs. EKS turns public access on when endpointPublicAccess is omitted.
 */
export function publicEndpointViolations(cluster: EksClusterProps, stack: string, privateEndpointStacks: readonly string[]): string[] {
  const vpc = cluster.vpcConfig;
  const publicAccess = vpc.endpointPublicAccess ?? true;
  if (privateEndpointStacks.includes(stack)) {
    const violations: string[] = [];
    if (publicAccess) violations.push(`vpcConfig.endpointPublicAccess must be false in stack '${stack}' (it defaults to true when omitted)`);
    if (vpc.endpointPrivateAccess !== true) violations.push(`vpcConfig.endpointPrivateAccess must be true in stack '${stack}', or nothing can reach the API`);
    return violations;
  }
  if (!publicAccess) return [];
  const cidrs = vpc.publicAccessCidrs ?? [];
  if (cidrs.length === 0 || cidrs.some((cidr) => ANYWHERE.includes(cidr))) {
    return [`vpcConfig.publicAccessCidrs is ${cidrs.length === 0 ? 'unset (open to the internet)' : `[${cidrs.join(', ')}]`}: list the office or VPN CIDRs allowed to reach the public endpoint`];
  }
  return [];
}
