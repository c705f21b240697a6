// `npm run synth` (after the build) and `npx cdk8s synth` (which sets CDK8S_OUTDIR) both run this.
import { relative, resolve } from 'node:path';
import { ENVIRONMENTS } from '../environments';
import { EnvironmentError } from '../environments/validate-environment';
import { ARGO_CD_FOLDER, writeArgoCdApplications } from '../gitops';
import { PolicyViolationError } from '../../policies/k8s';
import { uncommittedChartChanges } from './charts-out-freshness';
import { imageReference } from './image-reference';
import { ManifestValidationError, formatSummary, writeCharts } from './write-charts';

const root = resolve(__dirname, '..', '..');
const outdir = resolve(root, process.env.CDK8S_OUTDIR ?? 'charts-out');
const started = performance.now();
try {
  const image = imageReference(root);
  const summaries = writeCharts({ environments: Object.values(ENVIRONMENTS), image, outdir });
  // performance.now() counts from process start, so `finished` also covers loading the models.
  const finished = performance.now();
  console.log(formatSummary(summaries, image, relative(root, outdir), finished - started, finished));
  // The GitOps alternative: one Argo CD Application per environment, derived from what was just written.
  const applications = writeArgoCdApplications({ chartsOut: outdir, outdir: resolve(root, ARGO_CD_FOLDER) });
  console.log(`Argo CD Applications in ${ARGO_CD_FOLDER}/: ${applications.join(', ')}`);
  // In CI (a clean clone) the committed output must already be what the source synthesizes.
  if (process.env.CI === 'true') {
    const stale = uncommittedChartChanges(root, outdir);
    if (stale.length > 0) {
      console.error(`${relative(root, outdir)}/ is stale: synthesizing changed\n${stale.join('\n')}\nRun \`npm run synth\` and commit ${relative(root, outdir)}/.`);
      process.exitCode = 1;
    }
  }
} catch (error) {
  if (!(error instanceof EnvironmentError || error instanceof ManifestValidationError || error instanceof PolicyViolationError)) throw error;
  console.error(`${error.message}\n${relative(root, outdir)}/ was left unchanged.`);
  process.exitCode = 1;
}
