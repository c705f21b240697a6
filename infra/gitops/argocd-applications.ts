import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Chart, Yaml } from 'cdk8s';
import { ENVIRONMENT_NAMES, type EnvironmentName } from '../environments/types';
import { readManifests } from '../synth/write-charts';
import { validateManifests, type ManifestObject } from '../synth/validate-manifests';
import { GITOPS_SETTINGS, type GitOpsSettings } from './gitops-settings';
import { PlatformApplication } from './platform-application';

/** Where `npm run synth` writes the Argo CD Applications, relative to the repository root. */
export const ARGO_CD_FOLDER = 'deploy/argocd';

/**
 * Rendered Applications that fail their schema. Thrown after charts-out/ was written (the
 * Applications are derived from it), so it is not one of the errors the synth reports as having
 * left charts-out/ unchanged.
 */
export class ArgoCdApplicationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Argo CD Applications failed validation; fix GITOPS_SETTINGS (infra/gitops/gitops-settings.ts) or PlatformApplication:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ArgoCdApplicationError';
  }
}

export interface ArgoCdApplicationsProps {
  /** The synthesized `charts-out/` the Applications point at (read for each environment's Rollout). */
  readonly chartsOut: string;
  /** @default GITOPS_SETTINGS */
  readonly settings?: GitOpsSettings;
  /** @default every environment */
  readonly environments?: readonly EnvironmentName[];
}

/**
 * One Argo CD Application per environment, as file name (`<env>.yaml`) to YAML, validated against
 * the Application CRD schema (`@kubernetes-models/argo-cd`, generated from argo-cd v2.14.11's
 * manifests/crds/application-crd.yaml) with unknown fields rejected. Throws
 * ArgoCdApplicationError when an object does not validate.
 */
export function renderArgoCdApplications(props: ArgoCdApplicationsProps): Map<string, string> {
  const settings = props.settings ?? GITOPS_SETTINGS;
  const app = new App();
  const files = new Map<string, string>();
  for (const environment of props.environments ?? ENVIRONMENT_NAMES) {
    const chart = new Chart(app, environment);
    new PlatformApplication(chart, 'platform', {
      environment,
      objects: readManifests(join(props.chartsOut, environment)),
      repoURL: settings.repoURL,
      targetRevision: settings.targetRevisions[environment],
      destination: settings.destinations[environment],
      argoCdNamespace: settings.argoCdNamespace,
      project: settings.project,
    });
    const objects = chart.toJson() as ManifestObject[];
    const problems = validateManifests(objects);
    if (problems.length > 0) throw new ArgoCdApplicationError(problems.map((problem) => `${environment}: ${problem}`));
    files.set(`${environment}.yaml`, Yaml.stringify(...objects));
  }
  return files;
}

/** Renders the Applications and replaces `outdir` with them; nothing is written unless all validated. Returns the files written. */
export function writeArgoCdApplications(props: ArgoCdApplicationsProps & { readonly outdir: string }): string[] {
  const files = renderArgoCdApplications(props);
  rmSync(props.outdir, { recursive: true, force: true });
  mkdirSync(props.outdir, { recursive: true });
  for (const [file, content] of files) writeFileSync(join(props.outdir, file), content);
  return [...files.keys()];
}
