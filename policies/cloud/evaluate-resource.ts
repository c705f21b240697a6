import type { ResourceValidationArgs, ResourceValidationPolicy } from '@pulumi/policy';
import { CLOUD_POLICIES } from './policies';

/** A registered resource as Pulumi's mock engine records it (issue 5's `RecordedResource`). */
export interface ResourceUnderReview {
  /** Type token, e.g. `aws:eks/cluster:Cluster`. */
  readonly type: string;
  readonly name: string;
  /** `urn:pulumi:<stack>::<project>::<type>::<name>`; the stack decides the private-endpoint rule. */
  readonly urn: string;
  /** Resolved inputs. No policy reads a secret input, so secret-wrapped values may stay wrapped. */
  readonly inputs: Record<string, unknown>;
}

export interface CloudViolation {
  readonly policy: string;
  readonly message: string;
}

/** Per-policy config as in `--policy-pack-config`, e.g. `{ 'eks-private-endpoint': { privateEndpointStacks: ['prod'] } }`. */
export type CloudPolicyConfig = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

class NotApplicable extends Error {}

/**
 * Runs every policy of the pack on one resource the way the policy server does (type match,
 * config with the schema's defaults, not-applicable skipped), so the Pulumi program's mock tests
 * can assert that what they register passes the guardrails without the CLI.
 */
export async function cloudPolicyViolations(
  resource: ResourceUnderReview,
  config: CloudPolicyConfig = {},
  policies: readonly ResourceValidationPolicy[] = CLOUD_POLICIES,
): Promise<CloudViolation[]> {
  const violations: CloudViolation[] = [];
  for (const policy of policies) {
    const args = validationArgs(resource, { ...schemaDefaults(policy), ...config[policy.name] });
    for (const validate of [policy.validateResource ?? []].flat()) {
      try {
        await validate(args, (message) => violations.push({ policy: policy.name, message }));
      } catch (error) {
        if (!(error instanceof NotApplicable)) throw error;
      }
    }
  }
  return violations;
}

function schemaDefaults(policy: ResourceValidationPolicy): Record<string, unknown> {
  const properties = policy.configSchema?.properties ?? {};
  return Object.fromEntries(Object.entries(properties).flatMap(([key, schema]) => (schema.default === undefined ? [] : [[key, schema.default]])));
}

function validationArgs(resource: ResourceUnderReview, config: Record<string, unknown>): ResourceValidationArgs {
  const isType = (resourceClass: unknown): boolean => (resourceClass as { __pulumiType?: string }).__pulumiType === resource.type;
  return {
    type: resource.type,
    name: resource.name,
    urn: resource.urn,
    props: resource.inputs,
    opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
    stackTags: new Map(),
    isType,
    asType: ((resourceClass: unknown) => (isType(resourceClass) ? resource.inputs : undefined)) as ResourceValidationArgs['asType'],
    getConfig: <T extends object>() => config as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
  };
}
