import type { KubernetesObject } from '../manifest-object';
import { apiGroupOf, fieldAt } from './cross-object-rule';

/** Kinds that run pods, by API group: the ones whose namespaces need isolation. */
const POD_WORKLOADS: ReadonlyArray<readonly [group: string, kind: string]> = [
  ['', 'Pod'],
  ['apps', 'Deployment'],
  ['apps', 'StatefulSet'],
  ['apps', 'DaemonSet'],
  ['batch', 'Job'],
  ['batch', 'CronJob'],
  ['argoproj.io', 'Rollout'],
];

/** Kinds scaled by replicas behind a Service, which need a PDB and an HPA when replicated. */
const REPLICATED_WORKLOADS: ReadonlyArray<readonly [group: string, kind: string]> = [
  ['apps', 'Deployment'],
  ['argoproj.io', 'Rollout'],
];

function isOneOf(object: KubernetesObject, kinds: ReadonlyArray<readonly [string, string]>): boolean {
  const group = apiGroupOf(object.apiVersion);
  return kinds.some(([kindGroup, kind]) => kindGroup === group && kind === object.kind);
}

export function isPodWorkload(object: KubernetesObject): boolean {
  return isOneOf(object, POD_WORKLOADS);
}

export function isReplicatedWorkload(object: KubernetesObject): boolean {
  return isOneOf(object, REPLICATED_WORKLOADS);
}

/** Labels of the pods a Deployment or Rollout creates. */
export function podTemplateLabels(workload: KubernetesObject): Record<string, string> {
  const labels = fieldAt(workload, ['spec', 'template', 'metadata', 'labels']);
  return labels !== null && typeof labels === 'object' ? (labels as Record<string, string>) : {};
}
