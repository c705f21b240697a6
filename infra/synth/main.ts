// `npm run synth` (after the build) and `npx cdk8s synth` both run this.
import { cpSync, mkdirSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { ENVIRONMENTS } from '../environments';
import { EnvironmentError } from '../environments/validate-environment';
import { ARGO_CD_FOLDER, writeArgoCdApplications } from '../gitops';
import { PolicyViolationError } from '../../policies/k8s';
import { uncommittedChartChanges } from './charts-out-freshness';
import { imageReference } from './image-reference';
import { ManifestValidationError, formatSummary, writeCharts } from './write-charts';

const root = resolve(__dirname, '..', '..');
const outdir = resolve(root, 'charts-out');
/**
 * `npx cdk8s synth` empties its output folder before it runs the app, so cdk8s.yaml gives it a
 * scratch folder (CDK8S_OUTDIR) instead of charts-out/: the synth writes charts-out/ through its
 * all-or-nothing swap as always, and copies the result there only once it succeeded.
 */
const cliOutdir = process.env.CDK8S_OUTDIR === undefined ? undefined : resolve(root, process.env.CDK8S_OUTDIR);
const started = performance.now();
try {
  const image = imageReference(root);
  const summaries = writeCharts({
    environments: Object.values(ENVIRONMENTS),
    image,
    outdir,
    onProgress: (step) => console.log(`  ${step}`),
  });
  // performance.now() counts from process start, so `finished` also covers loading the models.
  const finished = performance.now();
  console.log(formatSummary(summaries, image, relative(root, outdir), finished - started, finished));
  // The GitOps alternative: one Argo CD Application per environment, derived from what was just written.
  const argoCdFolder = resolve(root, ARGO_CD_FOLDER);
  const applications = writeArgoCdApplications({ chartsOut: outdir, outdir: argoCdFolder });
  console.log(`Argo CD Applications in ${ARGO_CD_FOLDER}/: ${applications.join(', ')}`);
  if (cliOutdir !== undefined && cliOutdir !== outdir) {
    mkdirSync(cliOutdir, { recursive: true });
    cpSync(outdir, cliOutdir, { recursive: true });
  }
  // In CI (a clean clone) the committed output must already be what the source synthesizes.
  if (process.env.CI === 'true') {
    const generated = [outdir, argoCdFolder];
    const stale = uncommittedChartChanges(root, generated);
    if (stale.length > 0) {
      const folders = generated.map((folder) => `${relative(root, folder)}/`).join(' and ');
      console.error(`${folders}: out of date, synthesizing changed\n${stale.join('\n')}\nRun \`npm run synth\` and commit ${folders}.`);
      process.exitCode = 1;
    }
  }
} catch (error) {
  if (!(error instanceof EnvironmentError || error instanceof ManifestValidationError || error instanceof PolicyViolationError)) throw error;
  console.error(`${error.message}\n${relative(root, outdir)}/ was left unchanged.`);
  process.exitCode = 1;
}
