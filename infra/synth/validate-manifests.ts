/**
 * Validates synthesized objects against the published schemas shipped with `kubernetes-models`
 * (core Kubernetes) and `@kubernetes-models/*` (Istio, prometheus-operator, Argo Rollouts, Argo CD), and rejects unknown
 * fields. Kinds without a CommonJS model package (Karpenter, External Secrets, the VerticalPodAutoscaler) are checked against
 * the schemas in infra/crd-models/, transcribed from their CRDs at the pinned versions.
 *
 * Those packages compile the schemas into validators that ignore properties the schema does not
 * declare. To catch a misspelt field anyway, the object is handed to the validator through a proxy
 * that records which properties the validator looks up: a compiled validator looks up every
 * property its schema declares (present or not) and every key of a map-typed field, so an own key
 * it never asked for is unknown. Objects whose schema declares no properties at all (free-form
 * fields) are never looked into and are left alone.
 */
import { CRD_MODELS, crdProblems } from '../crd-models';

interface ValidatableModel {
  validate(this: unknown): void;
}

type ModelClass = { prototype: ValidatableModel };

/** apiVersion -> module folder holding one model per kind. Extend it when a new API group is synthesized. */
const MODEL_MODULES: Readonly<Record<string, string>> = {
  v1: 'kubernetes-models/v1',
  'apps/v1': 'kubernetes-models/apps/v1',
  'autoscaling/v2': 'kubernetes-models/autoscaling/v2',
  'policy/v1': 'kubernetes-models/policy/v1',
  'networking.k8s.io/v1': 'kubernetes-models/networking.k8s.io/v1',
  'rbac.authorization.k8s.io/v1': 'kubernetes-models/rbac.authorization.k8s.io/v1',
  'apiregistration.k8s.io/v1': 'kubernetes-models/apiregistration.k8s.io/v1',
  'admissionregistration.k8s.io/v1': 'kubernetes-models/admissionregistration.k8s.io/v1',
  'networking.istio.io/v1beta1': '@kubernetes-models/istio/networking.istio.io/v1beta1',
  'security.istio.io/v1': '@kubernetes-models/istio/security.istio.io/v1',
  'security.istio.io/v1beta1': '@kubernetes-models/istio/security.istio.io/v1beta1',
  'telemetry.istio.io/v1alpha1': '@kubernetes-models/istio/telemetry.istio.io/v1alpha1',
  'monitoring.coreos.com/v1': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1',
  'monitoring.coreos.com/v1alpha1': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1',
  'argoproj.io/v1alpha1': '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1',
};

/** Kinds whose model lives apart from their apiVersion's: Argo CD shares `argoproj.io/v1alpha1` with Argo Rollouts. */
const KIND_MODEL_MODULES: Readonly<Record<string, string>> = {
  'argoproj.io/v1alpha1 Application': '@kubernetes-models/argo-cd/argoproj.io/v1alpha1',
};

function modelClass(apiVersion: string, kind: string): ModelClass | undefined {
  const folder = KIND_MODEL_MODULES[`${apiVersion} ${kind}`] ?? MODEL_MODULES[apiVersion];
  if (folder === undefined || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) return undefined;
  try {
    // One module per kind, loaded on demand: loading whole API groups would load hundreds of validators.
    return (require(`${folder}/${kind}`) as Record<string, ModelClass>)[kind];
  } catch {
    return undefined;
  }
}

/** Wraps `root` so that every property lookup made through it, at any depth, is recorded. */
function recordLookups(root: object): { proxy: object; unknownFields(): string[] } {
  const lookups = new Map<object, { path: string; keys: Set<PropertyKey> }>();
  const proxies = new WeakMap<object, object>();
  const wrap = (value: unknown, path: string): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    const existing = proxies.get(value);
    if (existing !== undefined) return existing;
    const keys = new Set<PropertyKey>();
    lookups.set(value, { path, keys });
    const proxy = new Proxy(value, {
      get(target, key) {
        keys.add(key);
        const child: unknown = Reflect.get(target, key);
        if (typeof key !== 'string' || !Object.prototype.hasOwnProperty.call(target, key)) return child;
        return wrap(child, Array.isArray(target) ? `${path}[${key}]` : `${path}.${key}`);
      },
      has(target, key) {
        keys.add(key);
        return Reflect.has(target, key);
      },
      getOwnPropertyDescriptor(target, key) {
        keys.add(key);
        return Reflect.getOwnPropertyDescriptor(target, key);
      },
    });
    proxies.set(value, proxy);
    return proxy;
  };
  const proxy = wrap(root, '') as object;
  return {
    proxy,
    unknownFields() {
      const unknown: string[] = [];
      for (const [value, { path, keys }] of lookups) {
        if (Array.isArray(value) || keys.size === 0) continue;
        for (const key of Object.keys(value)) if (!keys.has(key)) unknown.push(`${path}.${key}`.replace(/^\./, ''));
      }
      return unknown;
    },
  };
}

export interface ManifestObject {
  readonly apiVersion?: unknown;
  readonly kind?: unknown;
  readonly metadata?: { readonly name?: unknown; readonly namespace?: unknown };
}

/** Problems with one object, each naming the object; empty when it is valid. */
export function validateManifest(object: ManifestObject): string[] {
  const name = `${String(object.kind)} ${object.metadata?.namespace === undefined ? '' : `${String(object.metadata.namespace)}/`}${String(object.metadata?.name)}`;
  if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') return [`${name}: apiVersion and kind are required`];
  const crdModel = CRD_MODELS.get(`${object.apiVersion} ${object.kind}`);
  if (crdModel !== undefined) return crdProblems(crdModel, object).map((problem) => `${name}: ${problem}`);
  const model = modelClass(object.apiVersion, object.kind);
  if (model === undefined) return [`${name}: no published schema known for ${object.apiVersion} ${object.kind}; add its model module to MODEL_MODULES`];
  // Older model packages (the Istio one) find their schema through the prototype, so the proxied
  // object must look like an instance of the model class.
  const recorder = recordLookups(Object.assign(Object.create(model.prototype) as object, object));
  try {
    model.prototype.validate.call(recorder.proxy);
  } catch (error) {
    return [`${name}: ${(error as Error).message}`];
  }
  const problems = recorder.unknownFields().map((field) => `${name}: unknown field '${field}'`);
  return [...problems, ...embeddedPodTemplateProblems(object, name).filter((problem) => !problems.includes(problem))];
}

/**
 * Where custom resources embed a pod template whose published schema leaves parts free-form
 * (Argo Rollouts' `volumes`): such a template is checked again as a core PodTemplate.
 */
const EMBEDDED_POD_TEMPLATES: Readonly<Record<string, string>> = { 'argoproj.io/v1alpha1 Rollout': 'spec.template' };

function embeddedPodTemplateProblems(object: ManifestObject, name: string): string[] {
  const path = EMBEDDED_POD_TEMPLATES[`${String(object.apiVersion)} ${String(object.kind)}`];
  if (path === undefined) return [];
  const template = path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], object);
  if (template === undefined) return [];
  return validateManifest({ apiVersion: 'v1', kind: 'PodTemplate', metadata: object.metadata, template } as ManifestObject).map(
    (problem) => `${name}${problem.slice(problem.indexOf(':')).replace(/'template\./, `'${path}.`)}`,
  );
}

/** Every problem across `objects`. */
export function validateManifests(objects: readonly ManifestObject[]): string[] {
  return objects.flatMap(validateManifest);
}
