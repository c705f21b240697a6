/** A Kubernetes object as parsed from a manifest file; only the envelope is typed. */
export interface KubernetesObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMetadata;
  readonly [field: string]: unknown;
}

export interface ObjectMetadata {
  readonly name?: string;
  readonly generateName?: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** One object of a manifest tree, with where it came from. */
export interface ManifestObject {
  /** First directory level under the tree's root (`charts-out/<environment>/...`). */
  readonly environment: string;
  /** Path relative to the tree's root, for messages. */
  readonly file: string;
  readonly object: KubernetesObject;
}

/**
 * Kinds the apiserver stores without a namespace. Anything else that omits metadata.namespace is
 * created in `default`, so that is the namespace the rules must see.
 */
const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'APIService',
  'ClusterIssuer',
  'ClusterRole',
  'ClusterRoleBinding',
  'CSIDriver',
  'CustomResourceDefinition',
  'IngressClass',
  'MutatingWebhookConfiguration',
  'Namespace',
  'Node',
  'PersistentVolume',
  'PriorityClass',
  'RuntimeClass',
  'StorageClass',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'ValidatingWebhookConfiguration',
]);

const DEFAULT_NAMESPACE = 'default';

export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED_KINDS.has(kind);
}

/** The namespace the object lands in when applied; undefined for cluster-scoped kinds. */
export function namespaceOf(object: KubernetesObject): string | undefined {
  if (isClusterScoped(object.kind)) return undefined;
  return object.metadata.namespace ?? DEFAULT_NAMESPACE;
}

export function nameOf(object: KubernetesObject): string {
  return object.metadata.name ?? object.metadata.generateName ?? '';
}

/** `Kind/namespace/name`, or `Kind/name` when cluster-scoped: the key exceptions and reports use. */
export function objectReference(object: KubernetesObject): string {
  const namespace = namespaceOf(object);
  return namespace === undefined ? `${object.kind}/${nameOf(object)}` : `${object.kind}/${namespace}/${nameOf(object)}`;
}
