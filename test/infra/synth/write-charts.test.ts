import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENVIRONMENTS, EnvironmentError, defineEnvironment } from '../../../infra/environments';
import { formatSummary, previewCharts, writeCharts } from '../../../infra/synth/write-charts';
import { TEST_IMAGE } from '../fixtures';

describe('writeCharts', () => {
  let workdir: string;
  let outdir: string;
  beforeEach(() => {
    workdir = mkdtempSync(join(tmpdir(), 'uag-synth-'));
    outdir = join(workdir, 'charts-out');
    mkdirSync(join(outdir, 'dev'), { recursive: true });
    writeFileSync(join(outdir, 'dev', 'previous.k8s.yaml'), 'previous: true\n');
  });
  afterEach(() => rmSync(workdir, { recursive: true, force: true }));

  it('replaces the output folder with one folder per environment and summarizes it', () => {
    const summaries = writeCharts({ environments: [ENVIRONMENTS.dev, ENVIRONMENTS.prod], image: TEST_IMAGE, outdir });
    expect(readdirSync(outdir).sort()).toEqual(['dev', 'prod']);
    expect(readdirSync(join(outdir, 'dev')).sort()).toEqual(['gateway.k8s.yaml', 'mesh.k8s.yaml', 'observability.k8s.yaml', 'policies.k8s.yaml']);
    expect(summaries.map((s) => s.environment)).toEqual(['dev', 'prod']);
    expect([summaries[0]!.kinds.Deployment, summaries[0]!.kinds.Rollout]).toEqual([3, 1]);
    expect(summaries[1]!.kinds.PersistentVolumeClaim).toBe(1);
    expect(readdirSync(workdir)).toEqual(['charts-out']);
  });

  it('leaves the output folder untouched when an environment is invalid, and names file, field and rule', () => {
    const bad = defineEnvironment({
      name: 'prod',
      ingress: { hosts: ['api.example.com'], tlsCredentialName: 'tls' },
      gateway: { autoscaling: { minReplicas: 5, maxReplicas: 3 } },
    });
    let error: unknown;
    try {
      writeCharts({ environments: [ENVIRONMENTS.dev, bad], image: TEST_IMAGE, outdir });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as EnvironmentError).problems).toContain(
      `infra/environments/prod.ts: gateway.autoscaling.minReplicas (5) must not exceed gateway.autoscaling.maxReplicas (3)`,
    );
    expect(readdirSync(outdir)).toEqual(['dev']);
    expect(readFileSync(join(outdir, 'dev', 'previous.k8s.yaml'), 'utf8')).toBe('previous: true\n');
    expect(readdirSync(workdir)).toEqual(['charts-out']);
  });

  it('names the environment when a construct rejects its props', () => {
    expect(() => writeCharts({ environments: [ENVIRONMENTS.dev], image: 'registry.test/uag-gateway:latest', outdir })).toThrow(
      `environment 'dev': GatewayWorkload: 'image' (registry.test/uag-gateway:latest) must carry an immutable tag or digest, not ':latest' or none`,
    );
    expect(readdirSync(join(outdir, 'dev'))).toEqual(['previous.k8s.yaml']);
  });

  it("reports every environment's problems in one run, a shared mistake once", () => {
    const broken = (name: 'dev' | 'staging') => ({ ...ENVIRONMENTS[name], gateway: { ...ENVIRONMENTS[name].gateway, drainDelayMs: 60_000 } });
    const own = defineEnvironment({ name: 'prod', ingress: { hosts: ['api.example.com'], tlsCredentialName: 'tls' }, gateway: { autoscaling: { minReplicas: 5, maxReplicas: 3 } } });
    expect(() => writeCharts({ environments: [broken('dev'), broken('staging'), own], image: TEST_IMAGE, outdir })).toThrow(
      [
        'infra/environments/defaults.ts: gateway.drainDelayMs (60000) must be below gateway.shutdownTimeoutMs (30000): the shutdown timeout counts from SIGTERM',
        'infra/environments/prod.ts: gateway.autoscaling.minReplicas (5) must not exceed gateway.autoscaling.maxReplicas (3)',
      ].join('\n'),
    );
  });

  it('reports each step as it finishes', () => {
    const steps: string[] = [];
    writeCharts({ environments: [ENVIRONMENTS.dev], image: TEST_IMAGE, outdir, onProgress: (step) => steps.push(step.replace(/\d+ ms/, 'N ms')) });
    expect(steps).toEqual([
      'checked the dev specs in N ms',
      'rendered dev in N ms',
      expect.stringMatching(/^validated \d+ objects against their schemas in N ms$/),
      'checked admission and cross-object policies in N ms',
    ]);
  });

  it('previews what it would write without touching the output folder', () => {
    const objects = previewCharts({ environments: [ENVIRONMENTS.staging], image: TEST_IMAGE, outdir });
    expect(new Set(objects.map((o) => o.environment))).toEqual(new Set(['staging']));
    expect(objects.some((o) => o.object.kind === 'Rollout')).toBe(true);
    expect(readdirSync(outdir)).toEqual(['dev']);
    expect(readdirSync(workdir)).toEqual(['charts-out']);
  });

  it('is deterministic: two runs write byte-equal files', () => {
    const read = () => Object.fromEntries(['gateway', 'mesh', 'observability'].map((c) => [c, readFileSync(join(outdir, 'staging', `${c}.k8s.yaml`), 'utf8')]));
    writeCharts({ environments: [ENVIRONMENTS.staging], image: TEST_IMAGE, outdir });
    const first = read();
    writeCharts({ environments: [ENVIRONMENTS.staging], image: TEST_IMAGE, outdir });
    expect(read()).toEqual(first);
  });
});

describe('formatSummary', () => {
  it('prints the time, the image and objects per environment and kind', () => {
    expect(formatSummary([{ environment: 'dev', objects: 3, kinds: { ConfigMap: 1, Deployment: 2 } }], TEST_IMAGE, 'charts-out', 812.4)).toBe(
      ['synthesized charts-out/ in 812 ms', `image ${TEST_IMAGE}`, 'dev        3 objects: ConfigMap 1, Deployment 2'].join('\n'),
    );
  });
});
