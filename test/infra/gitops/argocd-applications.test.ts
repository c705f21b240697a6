import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { ENVIRONMENT_NAMES } from '../../../infra/environments';
import { ARGO_CD_FOLDER, ArgoCdApplicationError, GITOPS_SETTINGS, renderArgoCdApplications, writeArgoCdApplications } from '../../../infra/gitops';
import { validateManifest, type ManifestObject } from '../../../infra/synth/validate-manifests';
import { readManifests } from '../../../infra/synth/write-charts';
import { runTool } from '../../helpers/debian-tool';

const ROOT = join(__dirname, '..', '..', '..');
const CHARTS_OUT = join(ROOT, 'charts-out');
const COMMITTED = join(ROOT, ARGO_CD_FOLDER);

// Applications and the objects they sync are read back as plain data.
type Manifest = any;
const committedApplication = (environment: string): Manifest => parse(readFileSync(join(COMMITTED, `${environment}.yaml`), 'utf8'));

interface IgnoreRule {
  group?: string;
  kind: string;
  name?: string;
  namespace?: string;
  jqPathExpressions?: string[];
}

/**
 * What Argo CD compares after applying an Application's `ignoreDifferences` to one object: each
 * matching rule's jq path deleted, as `del(<path>)` (argo-cd v2.14.11,
 * util/argo/normalizers/diff_normalizer.go), evaluated here by the real jq.
 */
async function normalized(object: Manifest, rules: readonly IgnoreRule[]): Promise<Manifest> {
  const group = String(object.apiVersion).includes('/') ? String(object.apiVersion).split('/')[0] : '';
  let current = object;
  for (const rule of rules) {
    if ((rule.group ?? '') !== group || rule.kind !== object.kind) continue;
    if (rule.name !== undefined && rule.name !== object.metadata.name) continue;
    if (rule.namespace !== undefined && rule.namespace !== object.metadata.namespace) continue;
    for (const path of rule.jqPathExpressions ?? []) {
      const dir = mkdtempSync(join(tmpdir(), 'uag-jq-'));
      try {
        writeFileSync(join(dir, 'object.json'), JSON.stringify(current));
        const run = await runTool('jq', ['-c', `del(${path})`, join(dir, 'object.json')]);
        if (run.code !== 0) throw new Error(`jq del(${path}) failed: ${run.stderr}`);
        current = JSON.parse(run.stdout);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  return current;
}

const committedObject = (environment: string, kind: string, name: string): Manifest =>
  readManifests(join(CHARTS_OUT, environment)).find((object: Manifest) => object.kind === kind && object.metadata.name === name);

describe('deploy/argocd/', () => {
  it('is what npm run synth renders from the committed charts-out/ (commit them together)', () => {
    const rendered = renderArgoCdApplications({ chartsOut: CHARTS_OUT });
    expect(readdirSync(COMMITTED).sort()).toEqual([...rendered.keys()].sort());
    for (const [file, content] of rendered) expect({ file, content: readFileSync(join(COMMITTED, file), 'utf8') }).toEqual({ file, content });
  });

  it('holds one Application per environment, syncing that environment\'s charts-out folder at its revision', () => {
    for (const environment of ENVIRONMENT_NAMES) {
      const application = committedApplication(environment);
      expect(application).toMatchObject({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name: `uag-${environment}`, namespace: GITOPS_SETTINGS.argoCdNamespace },
        spec: {
          project: GITOPS_SETTINGS.project,
          source: { repoURL: GITOPS_SETTINGS.repoURL, targetRevision: GITOPS_SETTINGS.targetRevisions[environment], path: `charts-out/${environment}` },
          destination: GITOPS_SETTINGS.destinations[environment],
        },
      });
      expect(existsSync(join(ROOT, application.spec.source.path))).toBe(true);
      expect(application.metadata.finalizers).toBeUndefined();
    }
  });

  it('validates against the Argo CD Application CRD schema, unknown fields included', () => {
    for (const environment of ENVIRONMENT_NAMES) expect(validateManifest(committedApplication(environment) as ManifestObject)).toEqual([]);
    const misspelt = committedApplication('dev');
    misspelt.spec.syncPolicy.automatic = misspelt.spec.syncPolicy.automated;
    expect(validateManifest(misspelt)).toEqual(["Application argocd/uag-dev: unknown field 'spec.syncPolicy.automatic'"]);
  });

  it('keeps the resting weights and subsets of charts-out/ from overwriting Argo Rollouts mid-rollout', async () => {
    for (const environment of ENVIRONMENT_NAMES) {
      const spec = committedApplication(environment).spec;
      expect(spec.syncPolicy.syncOptions).toEqual(expect.arrayContaining(['RespectIgnoreDifferences=true', 'ApplyOutOfSyncOnly=true']));

      // A rollout at its 10 % stage: Argo Rollouts moved every weighted route and pinned both subsets.
      const virtualService = committedObject(environment, 'VirtualService', 'gateway');
      const liveVirtualService = structuredClone(virtualService);
      for (const route of liveVirtualService.spec.http) for (const destination of route.route) if (destination.weight !== undefined) destination.weight = destination.destination.subset === 'canary' ? 10 : 90;
      expect(liveVirtualService).not.toEqual(virtualService);
      expect(await normalized(liveVirtualService, spec.ignoreDifferences)).toEqual(await normalized(virtualService, spec.ignoreDifferences));

      const destinationRule = committedObject(environment, 'DestinationRule', 'gateway');
      const liveDestinationRule = structuredClone(destinationRule);
      for (const subset of liveDestinationRule.spec.subsets) subset.labels['rollouts-pod-template-hash'] = `${subset.name}-hash`;
      expect(await normalized(liveDestinationRule, spec.ignoreDifferences)).toEqual(await normalized(destinationRule, spec.ignoreDifferences));

      // Only the hash is the controller's: a subset label that drifted otherwise is still a difference Argo CD sees and heals.
      const drifted = structuredClone(liveDestinationRule);
      drifted.spec.subsets[0].labels['app.kubernetes.io/name'] = 'something-else';
      expect(await normalized(drifted, spec.ignoreDifferences)).not.toEqual(await normalized(destinationRule, spec.ignoreDifferences));
    }
  });
});

describe('writeArgoCdApplications', () => {
  let workdir: string;
  beforeEach(() => {
    workdir = mkdtempSync(join(tmpdir(), 'uag-argocd-'));
  });
  afterEach(() => rmSync(workdir, { recursive: true, force: true }));

  it('replaces the folder whole, so an environment that is gone leaves no Application behind', () => {
    const outdir = join(workdir, 'argocd');
    mkdirSync(outdir);
    writeFileSync(join(outdir, 'qa.yaml'), 'stale: true\n');
    expect(writeArgoCdApplications({ chartsOut: CHARTS_OUT, outdir, environments: ['dev'] })).toEqual(['dev.yaml']);
    expect(readdirSync(outdir)).toEqual(['dev.yaml']);
    expect(parseAllDocuments(readFileSync(join(outdir, 'dev.yaml'), 'utf8'))).toHaveLength(1);
  });

  it('renders a central Argo CD\'s cluster names and writes nothing when an Application fails its schema', () => {
    const central = renderArgoCdApplications({
      chartsOut: CHARTS_OUT,
      environments: ['prod'],
      settings: { ...GITOPS_SETTINGS, destinations: { ...GITOPS_SETTINGS.destinations, prod: { name: 'uag-prod' } } },
    });
    expect(parse(central.get('prod.yaml') as string).spec.destination).toEqual({ name: 'uag-prod' });

    const outdir = join(workdir, 'argocd');
    const settings = { ...GITOPS_SETTINGS, targetRevisions: { ...GITOPS_SETTINGS.targetRevisions, dev: 42 as unknown as string } };
    expect(() => writeArgoCdApplications({ chartsOut: CHARTS_OUT, outdir, environments: ['dev'], settings })).toThrow(ArgoCdApplicationError);
    expect(() => writeArgoCdApplications({ chartsOut: CHARTS_OUT, outdir, environments: ['dev'], settings })).toThrow(/dev: Application argocd\/uag-dev: .*targetRevision/);
    expect(existsSync(outdir)).toBe(false);
  });
});
