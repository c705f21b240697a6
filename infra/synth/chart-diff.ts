import { diffLines } from 'diff';
import diff from 'microdiff';
import type { ManifestObject } from '../../policies/k8s/manifest-object';

/** One object's identity in a diff: `Rollout gateway/gateway`, `ClusterRole /uag-prometheus`. */
export function objectKey(object: ManifestObject['object']): string {
  return `${object.kind} ${object.metadata.namespace ?? ''}/${String(object.metadata.name)}`;
}

/** A changed field of an object, as a path from the object's root. */
export interface FieldChange {
  readonly path: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

export interface EnvironmentDiff {
  readonly environment: string;
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly { readonly object: string; readonly fields: readonly FieldChange[] }[];
  /** Objects the environment will hold. */
  readonly objects: number;
}

/** `['metadata', 'labels', 'app.kubernetes.io/name']` -> `metadata.labels["app.kubernetes.io/name"]`. */
function fieldPath(path: readonly (string | number)[]): string {
  return path
    .map((key) => (typeof key === 'number' ? `[${key}]` : /^[A-Za-z_$][\w$-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`))
    .join('')
    .replace(/^\./, '');
}

/**
 * What replacing `current` with `next` changes, per environment and object: objects added and
 * removed by `kind namespace/name`, and for objects on both sides every field that differs.
 */
export function diffCharts(current: readonly ManifestObject[], next: readonly ManifestObject[]): EnvironmentDiff[] {
  // In the order the synth writes them (dev, staging, prod), then any the new output drops.
  const environments = [...new Set([...next, ...current].map((entry) => entry.environment))];
  return environments.map((environment) => {
    const index = (entries: readonly ManifestObject[]) =>
      new Map(entries.filter((entry) => entry.environment === environment).map((entry) => [objectKey(entry.object), entry.object] as const));
    const before = index(current);
    const after = index(next);
    const changed = [...after]
      .filter(([key]) => before.has(key))
      .map(([key, object]) => ({
        object: key,
        fields: diff(before.get(key) as Record<string, unknown>, object as Record<string, unknown>).map((change) => ({
          path: fieldPath(change.path),
          ...(change.type === 'CREATE' ? {} : { before: change.oldValue }),
          ...(change.type === 'REMOVE' ? {} : { after: change.value }),
        })),
      }))
      .filter(({ fields }) => fields.length > 0);
    return {
      environment,
      added: [...after.keys()].filter((key) => !before.has(key)),
      removed: [...before.keys()].filter((key) => !after.has(key)),
      changed,
      objects: after.size,
    };
  });
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

/** A field change as lines: `path: before -> after`, or a line diff for multi-line text. */
function describeField(change: FieldChange): string[] {
  const { path, before, after } = change;
  if (typeof before === 'string' && typeof after === 'string' && (before.includes('\n') || after.includes('\n'))) {
    const lines = diffLines(before, after).flatMap((part) =>
      part.added || part.removed ? part.value.replace(/\n$/, '').split('\n').map((line) => `${part.added ? '+' : '-'} ${line}`) : [],
    );
    return [`${path}:`, ...lines.map((line) => `  ${line}`)];
  }
  if (!('before' in change)) return [`${path}: added ${show(after)}`];
  if (!('after' in change)) return [`${path}: removed (was ${show(before)})`];
  return [`${path}: ${show(before)} -> ${show(after)}`];
}

/** The diff as the `npm run diff` command prints it. */
export function formatChartDiff(diffs: readonly EnvironmentDiff[]): string {
  return diffs
    .flatMap((d) => {
      if (d.added.length + d.removed.length + d.changed.length === 0) return [`${d.environment}: no change (${d.objects} objects)`];
      return [
        `${d.environment}: ${d.changed.length} changed, ${d.added.length} added, ${d.removed.length} removed (${d.objects} objects)`,
        ...d.added.map((key) => `  + ${key}`),
        ...d.removed.map((key) => `  - ${key}`),
        ...d.changed.flatMap(({ object, fields }) => [`  ~ ${object}`, ...fields.flatMap(describeField).map((line) => `      ${line}`)]),
      ];
    })
    .join('\n');
}
