import * as aws from '@pulumi/aws';
import { validateResourceOfType, type ResourceValidation, type ResourceValidationArgs, type ResourceValidationPolicy } from '@pulumi/policy';
import type { Resource, Unwrap } from '@pulumi/pulumi';
import { ebsVolumeViolations } from './ebs-volume';
import { ecrRepositoryViolations } from './ecr-repository';
import {
  controlPlaneLoggingViolations,
  DEFAULT_PRIVATE_ENDPOINT_STACKS,
  DEFAULT_REQUIRED_LOG_TYPES,
  publicEndpointViolations,
  secretsEncryptionViolations,
} from './eks-cluster';
import { replicationGroupViolations } from './elasticache';
import { imdsV2Violations, launchTemplateVolumeViolations } from './launch-template';
import { nodeGroupLaunchTemplateViolations } from './node-group';
import { stackOfUrn } from './stack-name';

/** Reports each message `violations` returns for resources of `resourceClass`. */
function validateWith<TResource extends Resource, TArgs>(
  // `any[]` as in validateResourceOfType's own signature: resource constructors differ in their options type.
  resourceClass: new (name: string, args: TArgs, ...rest: any[]) => TResource,
  violations: (props: Unwrap<NonNullable<TArgs>>, args: ResourceValidationArgs) => readonly string[],
): ResourceValidation {
  return validateResourceOfType(resourceClass, (props, args, reportViolation) => {
    for (const violation of violations(props, args)) reportViolation(violation);
  });
}

/** Policy config of eks-private-endpoint; override with `--policy-pack-config`. */
export interface PrivateEndpointConfig {
  /** @default ['prod'] */
  readonly privateEndpointStacks?: string[];
}

/** Policy config of eks-control-plane-logging. */
export interface ControlPlaneLoggingConfig {
  /** @default ['api', 'audit', 'authenticator'] */
  readonly requiredLogTypes?: string[];
}

const stringList = (defaults: readonly string[], description: string) => ({
  type: 'array' as const,
  items: { type: 'string' as const },
  default: [...defaults],
  description,
});

/** The AWS guardrails, each a thin wrapper over an exported function that tests call directly. */
export const CLOUD_POLICIES: ResourceValidationPolicy[] = [
  {
    name: 'eks-secrets-encryption',
    description: 'EKS clusters encrypt Kubernetes Secrets with a KMS key.',
    enforcementLevel: 'mandatory',
    validateResource: validateWith(aws.eks.Cluster, secretsEncryptionViolations),
  },
  {
    name: 'eks-control-plane-logging',
    description: 'EKS clusters send API, audit and authenticator logs to CloudWatch.',
    enforcementLevel: 'mandatory',
    configSchema: { properties: { requiredLogTypes: stringList(DEFAULT_REQUIRED_LOG_TYPES, 'Control-plane log types that must be enabled.') } },
    validateResource: validateWith(aws.eks.Cluster, (cluster, args) =>
      controlPlaneLoggingViolations(cluster, args.getConfig<ControlPlaneLoggingConfig>().requiredLogTypes ?? DEFAULT_REQUIRED_LOG_TYPES),
    ),
  },
  {
    name: 'eks-private-endpoint',
    description: 'EKS API endpoints are private in production stacks and CIDR-restricted elsewhere.',
    enforcementLevel: 'mandatory',
    configSchema: {
      properties: { privateEndpointStacks: stringList(DEFAULT_PRIVATE_ENDPOINT_STACKS, 'Stacks whose EKS API endpoint must not be public.') },
    },
    validateResource: validateWith(aws.eks.Cluster, (cluster, args) =>
      publicEndpointViolations(cluster, stackOfUrn(args.urn), args.getConfig<PrivateEndpointConfig>().privateEndpointStacks ?? DEFAULT_PRIVATE_ENDPOINT_STACKS),
    ),
  },
  {
    name: 'eks-node-group-launch-template',
    description: 'EKS managed node groups use a launch template, so the metadata and disk settings below apply.',
    enforcementLevel: 'mandatory',
    validateResource: validateWith(aws.eks.NodeGroup, nodeGroupLaunchTemplateViolations),
  },
  {
    name: 'launch-template-imdsv2',
    description: 'Launch templates require IMDSv2 with a hop limit of 1.',
    enforcementLevel: 'mandatory',
    validateResource: validateWith(aws.ec2.LaunchTemplate, imdsV2Violations),
  },
  {
    name: 'launch-template-encrypted-volumes',
    description: 'Launch templates declare only encrypted EBS block devices.',
    enforcementLevel: 'mandatory',
    validateResource: validateWith(aws.ec2.LaunchTemplate, launchTemplateVolumeViolations),
  },
  {
    name: 'ebs-volume-encrypted',
    description: 'EBS volumes are encrypted.',
    enforcementLevel: 'mandatory',
    validateResource: validateWith(aws.ebs.Volume, ebsVolumeViolations),
  },
  {
    name: 'ecr-immutable-scanned',
    description: 'ECR repositories have immutable tags and scan images on push.',
    enforcementLevel: 'mandatory',
    validateResource: validateWith(aws.ecr.Repository, ecrRepositoryViolations),
  },
  {
    name: 'elasticache-encryption',
    description: 'ElastiCache replication groups encrypt data at rest and in transit.',
    enforcementLevel: 'mandatory',
    validateResource: validateWith(aws.elasticache.ReplicationGroup, replicationGroupViolations),
  },
];
