import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { ApiObject, Testing } from 'cdk8s';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { ENVIRONMENTS } from '../../../infra/environments';
import { addObject, isBuiltInApiVersion } from '../../../infra/k8s/api-object';
import * as kplus from '../../../infra/k8s/cdk8s-plus';
import { synthesizePlatform } from '../../../infra/platform';
import { TEST_IMAGE } from '../fixtures';

const ROOT = join(__dirname, '..', '..', '..');
const RE_EXPORT_MODULE = 'infra/k8s/cdk8s-plus.ts';

/**
 * Built-in kinds built with `kubernetes-models` on purpose, each with the reason stated where it is
 * built: the Kubernetes 1.28 API that cdk8s-plus-28 generates lacks the version the platform needs.
 */
const KUBERNETES_MODELS_EXCEPTIONS: Readonly<Record<string, string>> = {
  'policies/k8s/admission-policies.ts': 'ValidatingAdmissionPolicy v1 is GA from 1.30; 1.28 has v1alpha1/v1beta1 only',
  'policies/k8s/resource-match.ts': 'the admissionregistration.k8s.io/v1 types of those policies',
};
/** Built-in kinds cdk8s-plus has no L2 construct for: built from its generated L1 classes. */
const L1_ONLY_KINDS = ['PodDisruptionBudget', 'APIService'];
/** ValidatingAdmissionPolicy and its binding, from `kubernetes-models` (see KUBERNETES_MODELS_EXCEPTIONS). */
const VERSION_EXCEPTIONS = ['admissionregistration.k8s.io/v1'];

/** TypeScript sources under infra/ and policies/, as committed or about to be. */
function sources(): string[] {
  return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', 'infra', 'policies'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((file) => file.endsWith('.ts'));
}

/** Module specifiers a source imports or requires statically. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/(?:from\s+|require\(\s*|import\(\s*)['"]([^'"]+)['"]/g)].map((match) => match[1]!);
}

/** The cdk8s-plus package the re-export module names: the one place that says which line the repo is on. */
function plusPackage(): string {
  const [name, ...others] = [...new Set(importsOf(RE_EXPORT_MODULE).filter((specifier) => specifier.startsWith('cdk8s-plus-')))];
  if (name === undefined || others.length > 0) throw new Error(`${RE_EXPORT_MODULE} must re-export exactly one cdk8s-plus line, found ${[name, ...others].join(', ')}`);
  return name;
}

describe('core Kubernetes objects come from cdk8s-plus', () => {
  it('imports cdk8s-plus only through the re-export module, and kubernetes-models only where the 1.28 API lacks a version', () => {
    expect(sources()).toContain(RE_EXPORT_MODULE);
    const offenders = sources().flatMap((file) =>
      importsOf(file).flatMap((specifier) => {
        if (specifier.startsWith('cdk8s-plus-') && file !== RE_EXPORT_MODULE) return [`${file} imports ${specifier}`];
        if (/^kubernetes-models(\/|$)/.test(specifier) && KUBERNETES_MODELS_EXCEPTIONS[file] === undefined) return [`${file} imports ${specifier}`];
        return [];
      }),
    );
    expect(offenders).toEqual([]);
    expect(plusPackage()).toBe('cdk8s-plus-28');
  });

  it.each(Object.keys(ENVIRONMENTS) as (keyof typeof ENVIRONMENTS)[])('%s: builds every built-in object with a cdk8s-plus construct, or its L1 class where it has none', (name) => {
    const app = synthesizePlatform({ environment: ENVIRONMENTS[name], image: TEST_IMAGE });
    const generated = new Set<unknown>(Object.values(kplus.k8s));
    const plus = require(plusPackage()) as Record<string, unknown>;
    const builtIn = app.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && isBuiltInApiVersion(c.apiVersion));
    expect(builtIn.length).toBeGreaterThan(50);
    const how = builtIn.map((object) => {
      const what = `${object.kind} ${object.metadata.namespace ?? ''}/${object.name}`;
      if (VERSION_EXCEPTIONS.includes(object.apiVersion)) return { what, kind: object.kind, built: 'exception' };
      if (!generated.has(object.constructor)) return { what, kind: object.kind, built: `a raw ${object.constructor.name}` };
      if (object.node.scope instanceof kplus.Resource) return { what, kind: object.kind, built: 'L2' };
      return { what, kind: object.kind, built: L1_ONLY_KINDS.includes(object.kind) && plus[object.kind] === undefined ? 'L1' : 'L1 although cdk8s-plus has an L2' };
    });
    expect(how.filter(({ built }) => !['L2', 'L1', 'exception'].includes(built))).toEqual([]);
    const throughL2 = new Set(how.filter(({ built }) => built === 'L2').map(({ kind }) => kind));
    expect(['Deployment', 'Service', 'ConfigMap', 'ServiceAccount', 'NetworkPolicy', 'HorizontalPodAutoscaler', 'Namespace', 'ClusterRole', 'ClusterRoleBinding', 'RoleBinding'].filter((kind) => !throughL2.has(kind))).toEqual([]);
  });

  it('refuses a built-in kind through addObject, which is for custom resources', () => {
    expect(() => addObject(Testing.chart(), 'cm', new ConfigMap({ metadata: { name: 'x' } }))).toThrow(
      'addObject: ConfigMap (v1) is a built-in kind; build it with cdk8s-plus (infra/k8s/cdk8s-plus.ts), not as a raw object',
    );
  });

  it.each([
    ['v1', true],
    ['apps/v1', true],
    ['rbac.authorization.k8s.io/v1', true],
    ['argoproj.io/v1alpha1', false],
    ['monitoring.coreos.com/v1', false],
    ['security.istio.io/v1', false],
    // The VerticalPodAutoscaler's group: the Kubernetes project's, served by a CRD.
    ['autoscaling.k8s.io/v1', false],
  ])('classifies %s as built-in: %s', (apiVersion, builtIn) => {
    expect(isBuiltInApiVersion(apiVersion)).toBe(builtIn);
  });
});
