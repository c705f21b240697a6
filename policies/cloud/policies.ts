import * as aws from '@pulumi/aws';
import { validateResourceOfType, type ReportViolation, type ResourceValidationPolicy } from '@pulumi/policy';
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

function reportEach(violations: readonly string[], reportViolation: ReportViolation): void {
  for (const violation of violations) reportViolation(violation);
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
    validateResource: validateResourceOfType(aws.eks.Cluster, (cluster, _args, reportViolation) =>
      reportEach(secretsEncryptionViolations(cluster), reportViolation),
    ),
  },
  {
    name: 'eks-control-plane-logging',
    description: 'EKS clusters send API, audit and authenticator logs to CloudWatch.',
    enforcementLevel: 'mandatory',
    configSchema: { properties: { requiredLogTypes: stringList(DEFAULT_REQUIRED_LOG_TYPES, 'Control-plane log types that must be enabled.') } },
    validateResource: validateResourceOfType(aws.eks.Cluster, (cluster, args, reportViolation) => {
      const required = args.getConfig<ControlPlaneLoggingConfig>().requiredLogTypes ?? DEFAULT_REQUIRED_LOG_TYPES;
      reportEach(controlPlaneLoggingViolations(cluster, required), reportViolation);
    }),
  },
  {
    name: 'eks-private-endpoint',
    description: 'EKS API endpoints are private in production stacks and CIDR-restricted elsewhere.',
    enforcementLevel: 'mandatory',
    configSchema: {
      properties: { privateEndpointStacks: stringList(DEFAULT_PRIVATE_ENDPOINT_STACKS, 'Stacks whose EKS API endpoint must not be public.') },
    },
    validateResource: validateResourceOfType(aws.eks.Cluster, (cluster, args, reportViolation) => {
      const privateStacks = args.getConfig<PrivateEndpointConfig>().privateEndpointStacks ?? DEFAULT_PRIVATE_ENDPOINT_STACKS;
      reportEach(publicEndpointViolations(cluster, stackOfUrn(args.urn), privateStacks), reportViolation);
    }),
  },
  {
    name: 'eks-node-group-launch-template',
    description: 'EKS managed node groups use a launch template, so the metadata and disk settings below apply.',
    enforcementLevel: 'mandatory',
    validateResource: validateResourceOfType(aws.eks.NodeGroup, (nodeGroup, _args, reportViolation) =>
      reportEach(nodeGroupLaunchTemplateViolations(nodeGroup), reportViolation),
    ),
  },
  {
    name: 'launch-template-imdsv2',
    description: 'Launch templates require IMDSv2 with a hop limit of 1.',
    enforcementLevel: 'mandatory',
    validateResource: validateResourceOfType(aws.ec2.LaunchTemplate, (template, _args, reportViolation) =>
      reportEach(imdsV2Violations(template), reportViolation),
    ),
  },
  {
    name: 'launch-template-encrypted-volumes',
    description: 'Launch templates declare only encrypted EBS block devices.',
    enforcementLevel: 'mandatory',
    validateResource: validateResourceOfType(aws.ec2.LaunchTemplate, (template, _args, reportViolation) =>
      reportEach(launchTemplateVolumeViolations(template), reportViolation),
    ),
  },
  {
    name: 'ebs-volume-encrypted',
    description: 'EBS volumes are encrypted.',
    enforcementLevel: 'mandatory',
    validateResource: validateResourceOfType(aws.ebs.Volume, (volume, _args, reportViolation) => reportEach(ebsVolumeViolations(volume), reportViolation)),
  },
  {
    name: 'ecr-immutable-scanned',
    description: 'ECR repositories have immutable tags and scan images on push.',
    enforcementLevel: 'mandatory',
    validateResource: validateResourceOfType(aws.ecr.Repository, (repository, _args, reportViolation) =>
      reportEach(ecrRepositoryViolations(repository), reportViolation),
    ),
  },
  {
    name: 'elasticache-encryption',
    description: 'ElastiCache replication groups encrypt data at rest and in transit.',
    enforcementLevel: 'mandatory',
    validateResource: validateResourceOfType(aws.elasticache.ReplicationGroup, (group, _args, reportViolation) =>
      reportEach(replicationGroupViolations(group), reportViolation),
    ),
  },
];
