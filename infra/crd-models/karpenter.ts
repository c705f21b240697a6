import { z } from 'zod';
import type { CrdModel, CrdObject } from './crd-model';

/**
 * Karpenter's NodePool (karpenter.sh/v1) and EC2NodeClass (karpenter.k8s.aws/v1), for the fields
 * the program writes, from pkg/apis/crds/karpenter.sh_nodepools.yaml and
 * pkg/apis/crds/karpenter.k8s.aws_ec2nodeclasses.yaml at aws/karpenter-provider-aws tag v1.14.1
 * (the files the karpenter and karpenter-crd charts install). Patterns and enums are the CRD's;
 * the CRD's CEL rules that apply to these fields are the `.refine`s.
 */
const KARPENTER_SOURCE = 'aws/karpenter-provider-aws v1.14.1 pkg/apis/crds';

const metadata = z.strictObject({
  name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, { error: 'must be a DNS subdomain name' }),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

/** `^(([0-9]+(s|m|h))+|Never)$`: consolidateAfter and expireAfter. */
const durationOrNever = z.string().regex(/^(([0-9]+(s|m|h))+|Never)$/, { error: 'must be a duration like 30s, 5m or 720h, or Never' });
const quantity = z.string().regex(/^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$/, {
  error: 'must be a Kubernetes quantity like 16 or 64Gi',
});
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(\/))?([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export const REQUIREMENT_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt', 'Gte', 'Lte'] as const;

const requirement = z
  .strictObject({
    key: z.string().max(316).regex(LABEL_KEY, { error: 'must be a label key' }),
    operator: z.enum(REQUIREMENT_OPERATORS),
    values: z.array(z.string().max(63).regex(LABEL_VALUE, { error: 'must be a label value' })).optional(),
    minValues: z.int().min(1).max(50).optional(),
  })
  // CEL on spec.template.spec.requirements: `In` needs values, and at least minValues of them.
  .refine((term) => term.operator !== 'In' || (term.values?.length ?? 0) > 0, { error: "operator 'In' needs at least one value" })
  .refine((term) => term.operator !== 'In' || term.minValues === undefined || (term.values?.length ?? 0) >= term.minValues, { error: 'minValues is larger than the number of values' });

export const DISRUPTION_REASONS = ['Underutilized', 'Empty', 'Drifted'] as const;
export const CONSOLIDATION_POLICIES = ['WhenEmpty', 'WhenEmptyOrUnderutilized', 'Balanced'] as const;

const budget = z
  .strictObject({
    nodes: z.string().regex(/^((100|[0-9]{1,2})%|[0-9]+)$/, { error: "must be a node count or a percentage like '10%'" }),
    reasons: z.array(z.enum(DISRUPTION_REASONS)).max(50).optional(),
    schedule: z.string().regex(/^(@(annually|yearly|monthly|weekly|daily|midnight|hourly))|((.+)\s(.+)\s(.+)\s(.+)\s(.+))$/, { error: 'must be a cron schedule' }).optional(),
    duration: z.string().regex(/^((([0-9]+(h|m))|([0-9]+h[0-9]+m))(0s)?)$/, { error: 'must be a duration in hours and minutes like 10h or 1h30m' }).optional(),
  })
  .refine((entry) => (entry.schedule === undefined) === (entry.duration === undefined), { error: 'schedule and duration are set together' });

const nodePoolSpec = z.strictObject({
  template: z.strictObject({
    metadata: z.strictObject({ labels: z.record(z.string(), z.string()).optional() }).optional(),
    spec: z.strictObject({
      nodeClassRef: z.strictObject({ group: z.string().regex(/^[^/]+$/), kind: z.string().min(1), name: z.string().min(1) }),
      requirements: z.array(requirement).max(100),
      expireAfter: durationOrNever.optional(),
      terminationGracePeriod: z.string().regex(/^([0-9]+(s|m|h))+$/, { error: 'must be a duration like 24h' }).optional(),
    }),
  }),
  disruption: z.strictObject({
    consolidationPolicy: z.enum(CONSOLIDATION_POLICIES).optional(),
    consolidateAfter: durationOrNever,
    budgets: z.array(budget).max(50).optional(),
  }),
  limits: z.record(z.string(), quantity).optional(),
  weight: z.int().min(1).max(100).optional(),
});

export type NodePoolSpec = z.infer<typeof nodePoolSpec>;
export type NodePoolRequirement = z.infer<typeof requirement>;
export type DisruptionBudget = z.infer<typeof budget>;

export const NODE_POOL: CrdModel<NodePoolSpec> = {
  apiVersion: 'karpenter.sh/v1',
  kind: 'NodePool',
  source: `${KARPENTER_SOURCE}/karpenter.sh_nodepools.yaml`,
  schema: z.strictObject({ apiVersion: z.literal('karpenter.sh/v1'), kind: z.literal('NodePool'), metadata, spec: nodePoolSpec }) as z.ZodType<CrdObject<NodePoolSpec>>,
};

const selectorTags = z.record(z.string().min(1), z.string().min(1));
const AMI_FAMILIES = ['al2', 'al2023', 'bottlerocket', 'windows2019', 'windows2022', 'windows2025'];

const amiSelectorTerm = z.strictObject({
  alias: z
    .string()
    .max(30)
    .regex(/^[a-zA-Z0-9]+@.+$/, { error: 'must be family@version, e.g. al2023@v20260714' })
    .refine((alias) => AMI_FAMILIES.includes(alias.split('@')[0] ?? ''), { error: `family must be one of ${AMI_FAMILIES.join(', ')}` }),
});

/** Tags EC2NodeClass `spec.tags` may not set (CEL on spec.tags): Karpenter writes them itself. */
const RESERVED_TAG = /^(eks:eks-cluster-name|kubernetes\.io\/cluster.*|karpenter\.sh\/nodepool|karpenter\.sh\/nodeclaim|karpenter\.k8s\.aws\/ec2nodeclass)$/;

const ec2NodeClassSpec = z
  .strictObject({
    amiSelectorTerms: z.array(amiSelectorTerm).min(1).max(30),
    subnetSelectorTerms: z.array(z.union([z.strictObject({ tags: selectorTags }), z.strictObject({ id: z.string().regex(/subnet-[0-9a-z]+/) })])).min(1).max(30),
    securityGroupSelectorTerms: z.array(z.union([z.strictObject({ tags: selectorTags }), z.strictObject({ id: z.string().regex(/sg-[0-9a-z]+/) })])).min(1).max(30),
    instanceProfile: z.string().min(1).optional(),
    role: z.string().min(1).optional(),
    metadataOptions: z
      .strictObject({
        httpEndpoint: z.enum(['enabled', 'disabled']).optional(),
        httpProtocolIPv6: z.enum(['enabled', 'disabled']).optional(),
        httpPutResponseHopLimit: z.int().min(1).max(64).optional(),
        httpTokens: z.enum(['required', 'optional']).optional(),
      })
      .optional(),
    blockDeviceMappings: z
      .array(
        z.strictObject({
          deviceName: z.string(),
          rootVolume: z.boolean().optional(),
          ebs: z.strictObject({
            volumeSize: z.string().regex(/^((?:[1-9][0-9]{0,3}|[1-4][0-9]{4}|[5][0-8][0-9]{3}|59000)Gi|(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|[6][0-3][0-9]{3}|64000)G|([1-9]||[1-5][0-7]|58)Ti|([1-9]||[1-5][0-9]|6[0-3]|64)T)$/, {
              error: 'must be a volume size like 40Gi',
            }),
            volumeType: z.enum(['standard', 'io1', 'io2', 'gp2', 'sc1', 'st1', 'gp3']),
            encrypted: z.boolean().optional(),
            deleteOnTermination: z.boolean().optional(),
          }),
        }),
      )
      .max(50)
      .optional(),
    tags: z
      .record(z.string().min(1), z.string())
      .refine((tags) => Object.keys(tags).every((key) => !RESERVED_TAG.test(key)), { error: 'names a tag Karpenter sets itself' })
      .optional(),
  })
  .refine((spec) => (spec.role === undefined) !== (spec.instanceProfile === undefined), { error: "must specify exactly one of 'role' and 'instanceProfile'" });

export type Ec2NodeClassSpec = z.infer<typeof ec2NodeClassSpec>;

export const EC2_NODE_CLASS: CrdModel<Ec2NodeClassSpec> = {
  apiVersion: 'karpenter.k8s.aws/v1',
  kind: 'EC2NodeClass',
  source: `${KARPENTER_SOURCE}/karpenter.k8s.aws_ec2nodeclasses.yaml`,
  schema: z.strictObject({ apiVersion: z.literal('karpenter.k8s.aws/v1'), kind: z.literal('EC2NodeClass'), metadata, spec: ec2NodeClassSpec }) as z.ZodType<CrdObject<Ec2NodeClassSpec>>,
};
