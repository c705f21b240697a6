/**
 * One Kubernetes rule, written once as the parts of a ValidatingAdmissionPolicy. The cluster gets it
 * as a policy and binding (admission-policies.ts); CI evaluates the same expressions taken from that
 * policy (admission-evaluator.ts).
 */
export interface AdmissionRule {
  /** kebab-case id used in reports, in exceptions and in the policy name (`uag-<name>`). */
  readonly name: string;
  readonly description: string;
  /** What to change to comply: shown by CI and kept on the policy as an annotation. */
  readonly fix: string;
  /** What the policy's matchConstraints select (operations CREATE and UPDATE, every version). */
  readonly resources: readonly ResourceSelection[];
  /** @default - every object the resources select */
  readonly matchConditions?: readonly NamedExpression[];
  /** Evaluated in order; later ones may use earlier ones as `variables.<name>`. @default - none */
  readonly variables?: readonly NamedExpression[];
  readonly validations: readonly RuleValidation[];
}

export interface ResourceSelection {
  readonly apiGroups: readonly string[];
  /** Plural resource names, `resource/subresource` allowed. */
  readonly resources: readonly string[];
}

export interface NamedExpression {
  readonly name: string;
  readonly expression: string;
}

export interface RuleValidation {
  /** CEL that holds when the object complies. */
  readonly expression: string;
  /** CEL string naming the object and the offending field. */
  readonly messageExpression: string;
}

/** A CEL string literal; rules build messages from TypeScript text, which may hold quotes. */
export function celString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
