import type { CrdModel } from './crd-model';
import { CLUSTER_SECRET_STORE, EXTERNAL_SECRET } from './external-secrets';
import { EC2_NODE_CLASS, NODE_POOL } from './karpenter';
import { VERTICAL_POD_AUTOSCALER } from './vertical-pod-autoscaler';

export { crdObject, crdProblems, type CrdModel, type CrdObject } from './crd-model';

/** Every CRD model, for the manifest validator: `<apiVersion> <kind>` -> model. */
export const CRD_MODELS: ReadonlyMap<string, CrdModel<unknown>> = new Map(
  ([NODE_POOL, EC2_NODE_CLASS, EXTERNAL_SECRET, CLUSTER_SECRET_STORE, VERTICAL_POD_AUTOSCALER] as CrdModel<unknown>[]).map((model) => [`${model.apiVersion} ${model.kind}`, model]),
);
