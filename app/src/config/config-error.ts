import type { z } from 'zod';

/** A configuration problem: each entry of `problems` is one line naming the field and the fix. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

/** `['routes', 1, 'upstream', 'port']` -> `routes[1].upstream.port`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out === '' ? String(key) : `${out}.${String(key)}`;
  }, '');
}

/** One readable line per zod issue, each prefixed with where it happened. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): string[] {
  return issues.map((issue) => {
    const where = formatPath([...prefix, ...issue.path]) || '(top level)';
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => `"${k}"`).join(', ');
      return `${where}: unknown field${issue.keys.length > 1 ? 's' : ''} ${keys}; remove or correct ${issue.keys.length > 1 ? 'them' : 'it'}`;
    }
    if (issue.code === 'invalid_type' && issue.input === undefined) return `${where}: is required`;
    return `${where}: ${issue.message}`;
  });
}
