import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';

/** A reviewed, time-boxed waiver of one rule for one object. */
export interface PolicyException {
  /** `Kind/namespace/name`, or `Kind/name` for cluster-scoped kinds. */
  readonly object: string;
  readonly rule: string;
  /** Why the object cannot comply yet, and who agreed. */
  readonly reason: string;
  /** Last day (UTC, YYYY-MM-DD) the exception holds; after it the exception is itself a failure. */
  readonly expiry: string;
}

export const DEFAULT_EXCEPTIONS_FILE = 'policies/exceptions.yaml';

const KIND = '[A-Z][A-Za-z0-9]*';
const DNS_NAME = '[a-z0-9]([-a-z0-9.]*[a-z0-9])?';
const OBJECT_REFERENCE = new RegExp(`^${KIND}(/${DNS_NAME}){1,2}$`);

const exceptionSchema = z.object({
  object: z.string().regex(OBJECT_REFERENCE, "must be 'Kind/namespace/name' (or 'Kind/name' when cluster-scoped), e.g. 'Deployment/gateway/gateway'"),
  rule: z.string().min(1, 'must name a rule, e.g. read-only-root-filesystem'),
  reason: z.string().trim().min(10, 'must say why the object cannot comply yet and who approved it'),
  expiry: z.iso.date('must be a date YYYY-MM-DD, e.g. 2026-03-31'),
});

const exceptionsFileSchema = z.object({ exceptions: z.array(exceptionSchema) }).strict();

/** Reads and validates the exceptions file; errors name the entry, the field and what to write. */
export function loadExceptions(path: string): PolicyException[] {
  let document: unknown;
  try {
    document = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`exceptions file '${path}' cannot be read: ${(error as Error).message}`);
  }
  return parseExceptions(document, path);
}

export function parseExceptions(document: unknown, source: string): PolicyException[] {
  const result = exceptionsFileSchema.safeParse(document);
  if (result.success) return result.data.exceptions;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : '(top level)';
  throw new Error(`${source}: '${where}' ${issue?.message ?? 'is invalid'} (expected 'exceptions:' with entries {object, rule, reason, expiry})`);
}

export function isExpired(exception: PolicyException, asOf: Date): boolean {
  return exception.expiry < asOf.toISOString().slice(0, 10);
}

/** Rejects entries naming rules that do not exist, so a typo cannot waive nothing and go unnoticed. */
export function assertKnownRules(exceptions: readonly PolicyException[], ruleNames: readonly string[]): void {
  for (const exception of exceptions) {
    if (!ruleNames.includes(exception.rule)) {
      throw new Error(`exception for '${exception.object}' names unknown rule '${exception.rule}': use one of ${ruleNames.join(', ')}`);
    }
  }
}

/** The parts of an exception's object reference. */
export function parseObjectReference(reference: string): { kind: string; namespace: string; name: string } {
  const [kind = '', first = '', second] = reference.split('/');
  return second === undefined ? { kind, namespace: '', name: first } : { kind, namespace: first, name: second };
}
