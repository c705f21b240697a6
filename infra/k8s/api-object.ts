import { ApiObject, type ApiObjectMetadata } from 'cdk8s';
import type { Construct } from 'constructs';

/** A typed Kubernetes model (`kubernetes-models`, `@kubernetes-models/*`): typing catches misspelt fields at compile time. */
export interface KubernetesModel {
  toJSON(): { apiVersion: string; kind: string; metadata?: object };
}

/** Adds a typed model to the chart as a cdk8s ApiObject, so cdk8s orders and writes it. */
export function addObject(scope: Construct, id: string, model: KubernetesModel): ApiObject {
  const { apiVersion, kind, metadata, ...body } = model.toJSON();
  return new ApiObject(scope, id, { apiVersion, kind, metadata: metadata as ApiObjectMetadata, ...body });
}
