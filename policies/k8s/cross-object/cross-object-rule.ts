import type { KubernetesObject } from '../manifest-object';

/**
 * A rule that needs several objects at once (a workload and its PDB, a namespace and its
 * NetworkPolicies). Admission sees one object at a time, so these run in CI only.
 */
export interface CrossObjectRule {
  readonly name: string;
  readonly description: string;
  readonly fix: string;
  /** One check per object the rule is about, over the objects of one environment. */
  check(objects: readonly KubernetesObject[]): CrossObjectCheck[];
}

export interface CrossObjectCheck {
  /** Reference of the object the finding is about (`Kind/namespace/name`). */
  readonly subject: string;
  /** Empty when the object complies; each message names the object, the field and what is wrong. */
  readonly violations: readonly string[];
}

/** Reads a nested field of an untyped object without trusting its shape. */
export function fieldAt(object: unknown, path: readonly string[]): unknown {
  let current: unknown = object;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** `apps/v1` -> `apps`, `v1` -> `` (the core group). */
export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

export function isKind(object: KubernetesObject, group: string, kind: string): boolean {
  return object.kind === kind && apiGroupOf(object.apiVersion) === group;
}
