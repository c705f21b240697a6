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

/**
 * A reviewed namespace where every rule warns and audits instead of denying: the namespaces of
 * upstream charts, whose pods CI cannot evaluate (policies/README.md, "Which namespaces each rule covers").
 */
export interface AuditedNamespace {
  readonly namespace: string;
  /** What runs there, why it is audited rather than denied, and who agreed. */
  readonly reason: string;
}

/** Everything the reviewed file holds. */
export interface PolicyFile {
  readonly exceptions: PolicyException[];
  readonly auditedNamespaces: AuditedNamespace[];
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

const auditedNamespaceSchema = z
  .object({
    namespace: z.string().regex(new RegExp(`^${DNS_NAME}$`), 'must be a namespace name, e.g. istio-system'),
    reason: z.string().trim().min(10, 'must say what runs there, why it is audited rather than denied, and who approved it'),
  })
  .strict();

const exceptionsFileSchema = z.object({ exceptions: z.array(exceptionSchema), auditedNamespaces: z.array(auditedNamespaceSchema).default([]) }).strict();

/** Reads and validates the exceptions file; errors name the entry, the field and what to write. */
export function loadPolicyFile(path: string): PolicyFile {
  let document: unknown;
  try {
    document = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`exceptions file '${path}' cannot be read: ${(error as Error).message}`);
  }
  return parsePolicyFile(document, path);
}

/** The file's exceptions only. */
export function loadExceptions(path: string): PolicyException[] {
  return loadPolicyFile(path).exceptions;
}

export function parsePolicyFile(document: unknown, source: string): PolicyFile {
  const result = exceptionsFileSchema.safeParse(document);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : '(top level)';
  throw new Error(
    `${source}: '${where}' ${issue?.message ?? 'is invalid'} (expected 'exceptions:' with entries {object, rule, reason, expiry} and optionally 'auditedNamespaces:' with entries {namespace, reason})`,
  );
}

export function parseExceptions(document: unknown, source: string): PolicyException[] {
  return parsePolicyFile(document, source).exceptions;
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
