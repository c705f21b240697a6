import { ENVIRONMENTS, ENVIRONMENT_OVERRIDES, declaredPaths, defineEnvironment, type EnvironmentName, type EnvironmentSpec } from '../../infra/environments';
import { synthesizePlatform } from '../../infra/platform';
import { validateManifests } from '../../infra/synth/validate-manifests';
import { TEST_IMAGE, type SynthObject } from './fixtures';

/** Synthesized objects keyed by `kind namespace/name`, so differences read as object and field. */
function render(environment: EnvironmentSpec, image = TEST_IMAGE): Record<string, unknown> {
  const app = synthesizePlatform({ environment, image });
  const objects = app.charts.flatMap((chart) => chart.toJson() as { kind: string; metadata: { name: string; namespace?: string } }[]);
  return Object.fromEntries(objects.map((o) => [`${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]));
}

function getPath(object: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown>)[key], object);
}

/** A copy of `target` with the value at each dotted path taken from `source`. */
function withValuesFrom(target: EnvironmentSpec, source: EnvironmentSpec, paths: readonly string[]): EnvironmentSpec {
  const copy = structuredClone(target) as unknown as Record<string, unknown>;
  for (const path of paths) {
    const keys = path.split('.');
    const parent = keys.slice(0, -1).reduce<Record<string, unknown>>((value, key) => value[key] as Record<string, unknown>, copy);
    parent[keys.at(-1)!] = structuredClone(getPath(source, path));
  }
  return copy as unknown as EnvironmentSpec;
}

/** Every leaf path where `a` and `b` differ. */
function differences(a: unknown, b: unknown, path = ''): string[] {
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((key) => differences((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}/${key}`));
  }
  return Object.is(a, b) ? [] : [path];
}

describe('synthesizePlatform', () => {
  it.each(Object.keys(ENVIRONMENTS) as EnvironmentName[])('renders %s as in the snapshot', (name) => {
    expect(synthesizePlatform({ environment: ENVIRONMENTS[name], image: TEST_IMAGE }).synthYaml()).toMatchSnapshot();
  });

  it('puts the given image on the gateway Rollout', () => {
    const app = synthesizePlatform({ environment: ENVIRONMENTS.dev, image: 'r.example/uag-gateway@sha256:abc' });
    expect(app.synthYaml()).toContain('image: r.example/uag-gateway@sha256:abc');
  });

  it.each(Object.keys(ENVIRONMENTS) as EnvironmentName[])('%s: a new image rewrites the gateway Rollout alone, in its image and version label', (name) => {
    const changed = differences(render(ENVIRONMENTS[name]), render(ENVIRONMENTS[name], 'registry.test/uag-gateway:fedcba9876543210'));
    expect(changed).toEqual([
      '/Rollout gateway/gateway/metadata/labels/app.kubernetes.io/version',
      '/Rollout gateway/gateway/spec/template/metadata/labels/app.kubernetes.io/version',
      '/Rollout gateway/gateway/spec/template/spec/containers/0/image',
    ]);
  });

  it('renders an environment that prefers blue-green into valid objects: the Rollout, its preview Service and the preview routes agree', () => {
    const environment = defineEnvironment({ ...ENVIRONMENT_OVERRIDES.staging, rollout: { strategy: { type: 'blueGreen', promotion: 'auto' }, previewTesterCidrs: ['203.0.113.0/24'] } });
    const objects = Object.values(render(environment)) as SynthObject[];
    expect(validateManifests(objects)).toEqual([]);
    const rollout = objects.find((o) => o.kind === 'Rollout')!;
    expect(rollout.spec.strategy.blueGreen).toMatchObject({ activeService: 'gateway', previewService: 'gateway-preview', autoPromotionEnabled: true });
    expect(objects.filter((o) => o.kind === 'Service').map((o) => o.metadata.name)).toContain('gateway-preview');
    const previewHosts = objects.find((o) => o.kind === 'VirtualService' && o.metadata.name === 'gateway')!.spec.http.filter((h: { name: string }) => h.name.endsWith('-preview')).map((h: SynthObject) => h.route[0].destination.host);
    expect([...new Set(previewHosts)]).toEqual(['gateway-preview.gateway.svc.cluster.local']);
  });

  it.each(['staging', 'prod'] as const)('dev and %s differ only in the fields their specs declare', (other) => {
    // Route overrides (routes.add, ...) change the composed route table as a whole.
    const declared = [...new Set([...declaredPaths(ENVIRONMENT_OVERRIDES.dev), ...declaredPaths(ENVIRONMENT_OVERRIDES[other])])]
      .filter((p) => p !== 'name')
      .map((p) => (p.startsWith('routes.') ? 'routes' : p));
    const masked = withValuesFrom(ENVIRONMENTS[other], ENVIRONMENTS.dev, declared);
    // With every declared field masked, the specs differ in their name alone, and the name may
    // only reach the gateway's UAG_ENV: any other difference is environment-specific behaviour
    // hidden in the constructs instead of declared in the spec.
    expect(differences(render(ENVIRONMENTS.dev), render(masked))).toEqual(['/Rollout gateway/gateway/spec/template/spec/containers/0/env/0/value']);
  });
});
