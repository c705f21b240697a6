import { chmodSync, existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { EnvironmentError, validateEnvironment } from '../environments/validate-environment';
import type { EnvironmentName, EnvironmentSpec } from '../environments/types';
import { assertPoliciesHold, repositoryPolicyOptions } from '../../policies/k8s';
import type { ManifestObject as ManifestEntry } from '../../policies/k8s/manifest-object';
import { readManifestTree } from '../../policies/k8s/manifest-tree';
import { synthesizePlatform } from '../platform';
import { writeAppManifests } from './manifest-yaml';
import { validateManifests, type ManifestObject } from './validate-manifests';

const REPOSITORY_ROOT = join(__dirname, '..', '..');

/** Synthesized objects that fail schema validation; nothing was written to the output folder. */
export class ManifestValidationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`synthesized objects failed validation:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ManifestValidationError';
  }
}

export interface EnvironmentSummary {
  readonly environment: EnvironmentName;
  /** Objects per kind, kinds sorted. */
  readonly kinds: Readonly<Record<string, number>>;
  readonly objects: number;
}

export interface WriteChartsProps {
  readonly environments: readonly EnvironmentSpec[];
  readonly image: string;
  /** Final folder, e.g. `<repo>/charts-out`; replaced whole, and only when everything validated. */
  readonly outdir: string;
  /** Told each step as it finishes, for a progress line. @default silent */
  readonly onProgress?: (step: string) => void;
}

/** Reads every object of every manifest file under `folder`, in file-name order. */
export function readManifests(folder: string): ManifestObject[] {
  return readManifestTree(folder).map(({ object }) => object as ManifestObject);
}

function summarize(environment: EnvironmentName, objects: readonly ManifestObject[]): EnvironmentSummary {
  const kinds: Record<string, number> = {};
  for (const object of objects) kinds[String(object.kind)] = (kinds[String(object.kind)] ?? 0) + 1;
  return { environment, objects: objects.length, kinds: Object.fromEntries(Object.entries(kinds).sort(([a], [b]) => a.localeCompare(b))) };
}

/** Every environment's problems at once, so one run shows them all; a shared mistake is listed once. */
function assertEnvironmentsValid(environments: readonly EnvironmentSpec[]): void {
  const problems = environments.flatMap((environment) => {
    try {
      validateEnvironment(environment);
      return [];
    } catch (error) {
      if (error instanceof EnvironmentError) return error.problems;
      throw error;
    }
  });
  if (problems.length > 0) throw new EnvironmentError([...new Set(problems)]);
}

/** What a render produced: the temporary folder holding it, its objects and their summary. */
interface RenderedCharts {
  readonly folder: string;
  readonly manifests: readonly ManifestEntry[];
  readonly summaries: readonly EnvironmentSummary[];
}

/**
 * Renders every environment into a temporary sibling of `outdir` and checks it (environment specs,
 * schemas, admission and cross-object policies). The caller swaps the folder in or discards it;
 * on any failure it is removed here and nothing else was touched.
 */
function renderCharts(props: WriteChartsProps): RenderedCharts {
  const progress = props.onProgress ?? (() => undefined);
  const timed = <T>(describe: (result: T, ms: number) => string, work: () => T): T => {
    const started = performance.now();
    const result = work();
    progress(describe(result, performance.now() - started));
    return result;
  };
  timed((_, ms) => `checked the ${props.environments.map((e) => e.name).join(', ')} specs in ${Math.round(ms)} ms`, () => assertEnvironmentsValid(props.environments));
  const folder = mkdtempSync(join(dirname(props.outdir), `.${basename(props.outdir)}.tmp-`));
  try {
    // One options object, one clock: the bundle in the cluster and the check here judge alike.
    const policyOptions = { ...repositoryPolicyOptions(REPOSITORY_ROOT), asOf: new Date() };
    for (const environment of props.environments) {
      timed(
        (_, ms) => `rendered ${environment.name} in ${Math.round(ms)} ms`,
        () => {
          try {
            writeAppManifests(synthesizePlatform({ environment, image: props.image, policyOptions }), join(folder, environment.name));
          } catch (error) {
            throw new EnvironmentError([`environment '${environment.name}': ${(error as Error).message}`]);
          }
        },
      );
    }
    const manifests = readManifestTree(folder);
    const summaries = timed(
      (_, ms) => `validated ${manifests.length} objects against their schemas in ${Math.round(ms)} ms`,
      () =>
        props.environments.map((environment) => {
          const objects = manifests.filter((manifest) => manifest.environment === environment.name).map(({ object }) => object as ManifestObject);
          const problems = validateManifests(objects);
          if (problems.length > 0) throw new ManifestValidationError(problems.map((p) => `${environment.name}: ${p}`));
          return summarize(environment.name, objects);
        }),
    );
    // Admission rules and cross-object rules, over exactly what is about to be swapped in.
    timed((_, ms) => `checked admission and cross-object policies in ${Math.round(ms)} ms`, () => assertPoliciesHold(manifests, policyOptions));
    return { folder, manifests, summaries };
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Synthesizes every environment into `<outdir>/<env>/` without ever leaving it half-written:
 * everything is rendered into a temporary sibling folder, checked, and only then swapped in with
 * renames. On any failure the temporary folder is removed and `outdir` is untouched.
 */
export function writeCharts(props: WriteChartsProps): EnvironmentSummary[] {
  const rendered = renderCharts(props);
  try {
    const previous = `${rendered.folder}-previous`;
    if (existsSync(props.outdir)) renameSync(props.outdir, previous);
    // mkdtemp creates the folder private to its owner; the output is ordinary, shared content.
    chmodSync(rendered.folder, 0o755);
    renameSync(rendered.folder, props.outdir);
    rmSync(previous, { recursive: true, force: true });
    return [...rendered.summaries];
  } finally {
    rmSync(rendered.folder, { recursive: true, force: true });
  }
}

/**
 * What `writeCharts` would write, checked the same way, without touching `outdir`: every object
 * with the environment and file it would land in.
 */
export function previewCharts(props: WriteChartsProps): ManifestEntry[] {
  const rendered = renderCharts(props);
  rmSync(rendered.folder, { recursive: true, force: true });
  return [...rendered.manifests];
}

/** The summary the synth command prints. */
export function formatSummary(summaries: readonly EnvironmentSummary[], image: string, outdir: string, elapsedMs: number, processMs?: number): string {
  const total = processMs === undefined ? '' : ` (${Math.round(processMs)} ms since the process started, module loading included)`;
  const lines = [`synthesized ${outdir}/ in ${Math.round(elapsedMs)} ms${total}`, `image ${image}`];
  for (const summary of summaries) {
    const kinds = Object.entries(summary.kinds).map(([kind, count]) => `${kind} ${count}`).join(', ');
    lines.push(`${summary.environment.padEnd(8)} ${String(summary.objects).padStart(3)} objects: ${kinds}`);
  }
  return lines.join('\n');
}
