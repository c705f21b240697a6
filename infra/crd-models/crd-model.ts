import type { z } from 'zod';

/**
 * A custom resource kind the Pulumi program writes, typed and checked against a schema transcribed
 * from the operator's CRD at its pinned version. Used where no CommonJS model package exists (the
 * `@kubernetes-models` packages for Karpenter and External Secrets are ESM-only from the versions
 * that know these API versions, and jest on Node 20 cannot require them). The schemas cover the
 * fields the program writes, with the CRD's names, enums, patterns and required fields, and reject
 * every other field, so a misspelt or removed field fails here instead of being pruned or refused
 * by the API server at deploy time.
 */
export interface CrdModel<Spec> {
  readonly apiVersion: string;
  readonly kind: string;
  /** The upstream CRD file and tag the schema was checked against. */
  readonly source: string;
  /** The whole object: apiVersion, kind, metadata and spec. */
  readonly schema: z.ZodType<CrdObject<Spec>>;
}

export interface CrdMetadata {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface CrdObject<Spec> {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: CrdMetadata;
  readonly spec: Spec;
}

/** One line per problem, each naming the field path, what the CRD wants and the value given. */
export function crdProblems(model: CrdModel<unknown>, object: unknown): string[] {
  const result = model.schema.safeParse(object);
  if (result.success) return [];
  return result.error.issues.map((issue) => {
    const path = issue.path.map(String).join('.') || '(object)';
    const given = issue.path.reduce<unknown>((value, key) => (value as Record<PropertyKey, unknown> | undefined)?.[key as PropertyKey], object);
    const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')}; the ${model.kind} CRD has no such field)` : '';
    return `${path}: ${issue.message}${keys}${given === undefined || typeof given === 'object' ? '' : ` (got ${JSON.stringify(given)})`}`;
  });
}

/** The object with its apiVersion and kind, or an error naming every field that does not match the CRD. */
export function crdObject<Spec>(model: CrdModel<Spec>, body: { readonly metadata: CrdMetadata; readonly spec: Spec }): CrdObject<Spec> {
  const object = { apiVersion: model.apiVersion, kind: model.kind, ...body };
  const problems = crdProblems(model as CrdModel<unknown>, object);
  if (problems.length > 0) {
    const name = `${model.kind} ${body.metadata.namespace === undefined ? '' : `${body.metadata.namespace}/`}${body.metadata.name}`;
    throw new Error(`${name} does not match the ${model.source} schema:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
  }
  return object;
}
