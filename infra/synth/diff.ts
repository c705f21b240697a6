// `npm run diff`: what `npm run synth` would change in charts-out/, object by object, without
// writing it. The synthesis is the synth's own (same image tag, same checks).
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { ENVIRONMENTS } from '../environments';
import { EnvironmentError } from '../environments/validate-environment';
import { PolicyViolationError } from '../../policies/k8s';
import { readManifestTree } from '../../policies/k8s/manifest-tree';
import { diffCharts, formatChartDiff } from './chart-diff';
import { imageReference } from './image-reference';
import { ManifestValidationError, previewCharts } from './write-charts';

const root = resolve(__dirname, '..', '..');
const outdir = resolve(root, 'charts-out');
try {
  const image = imageReference(root);
  const next = previewCharts({ environments: Object.values(ENVIRONMENTS), image, outdir });
  const current = existsSync(outdir) ? readManifestTree(outdir) : [];
  console.log(`${relative(root, outdir)}/ after \`npm run synth\` (image ${image}):`);
  console.log(formatChartDiff(diffCharts(current, next)));
} catch (error) {
  if (!(error instanceof EnvironmentError || error instanceof ManifestValidationError || error instanceof PolicyViolationError)) throw error;
  console.error(`${error.message}\n\`npm run synth\` would refuse this and leave ${relative(root, outdir)}/ unchanged.`);
  process.exitCode = 1;
}
