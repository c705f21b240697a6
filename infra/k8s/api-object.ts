import { ApiObject, type ApiObjectMetadata } from 'cdk8s';
import type { Construct } from 'constructs';
import type { CrdObject } from '../crd-models';

/** A typed custom resource model (`@kubernetes-models/*`): typing catches misspelt fields at compile time. */
export interface KubernetesModel {
  toJSON(): { apiVersion: string; kind: string; metadata?: object };
}

/**
 * Groups under `k8s.io` that the API server does not serve itself: the Kubernetes project's own
 * add-ons define them as CRDs (the VerticalPodAutoscaler's, kubernetes/autoscaler).
 */
const CUSTOM_RESOURCE_K8S_IO_GROUPS = new Set(['autoscaling.k8s.io']);

/**
 * Whether an apiVersion belongs to the API Kubernetes itself serves: the core group, the
 * undotted groups (`apps`, `policy`, ...) and `*.k8s.io`, except the project's add-on groups
 * served by CRDs. Custom resource groups always carry a dot, and the `k8s.io` domain is reserved
 * to the Kubernetes project's own APIs.
 */
export function isBuiltInApiVersion(apiVersion: string): boolean {
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '';
  if (CUSTOM_RESOURCE_K8S_IO_GROUPS.has(group)) return false;
  return !group.includes('.') || group === 'k8s.io' || group.endsWith('.k8s.io');
}

/**
 * Adds a typed custom resource (a `@kubernetes-models` model, or an object checked against
 * infra/crd-models/ where no CommonJS model exists) to the chart as a cdk8s ApiObject, so cdk8s orders and writes it.
 * Built-in kinds come from cdk8s-plus (./cdk8s-plus): there is one way to build each kind.
 */
export function addObject(scope: Construct, id: string, model: KubernetesModel | CrdObject<unknown>): ApiObject {
  const { apiVersion, kind, metadata, ...body } = 'toJSON' in model ? model.toJSON() : model;
  if (isBuiltInApiVersion(apiVersion)) {
    throw new Error(`addObject: ${kind} (${apiVersion}) is a built-in kind; build it with cdk8s-plus (infra/k8s/cdk8s-plus.ts), not as a raw object`);
  }
  return new ApiObject(scope, id, { apiVersion, kind, metadata: metadata as ApiObjectMetadata, ...body });
}
