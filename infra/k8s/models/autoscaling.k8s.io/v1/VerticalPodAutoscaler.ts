import { addSchema as addObjectMetaSchema } from '@kubernetes-models/apimachinery/_schemas/IoK8sApimachineryPkgApisMetaV1ObjectMeta';
import type { IObjectMeta } from '@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta';
import { Model, setSchema, type ModelData } from '@kubernetes-models/base';
import { register } from '@kubernetes-models/validate';

/**
 * The VerticalPodAutoscaler resource (autoscaling.k8s.io/v1) as a `@kubernetes-models` model, for
 * the fields the platform sets: no CommonJS typed model of it is published (kubernetes-models' gke
 * package has GKE's own autoscaling groups only). Types and schema follow the CRD the pinned chart
 * installs (vertical-pod-autoscaler/charts/vertical-pod-autoscaler/crds/vpa-v1-crd-gen.yaml at tag
 * vertical-pod-autoscaler-chart-0.11.0 of kubernetes/autoscaler): its field names, required fields
 * and enums. The cluster's structural schema would prune a misspelt field silently; the types catch
 * one when the platform is built, the schema when the synth validates (infra/synth/validate-manifests.ts).
 */
export interface IVerticalPodAutoscaler {
  apiVersion: 'autoscaling.k8s.io/v1';
  kind: 'VerticalPodAutoscaler';
  metadata?: IObjectMeta;
  spec: {
    /** The controller whose pods it watches: any kind with a `/scale` subresource (a Deployment, an Argo Rollout). */
    targetRef: { apiVersion?: string; kind: string; name: string };
    /** `Off`: recommend only; the recommender writes `status.recommendation` and nothing changes a pod. */
    updatePolicy?: { updateMode?: 'Off' | 'Initial' | 'Recreate' | 'InPlaceOrRecreate' | 'InPlace' | 'Auto'; minReplicas?: number };
    resourcePolicy?: {
      containerPolicies?: {
        containerName?: string;
        mode?: 'Auto' | 'Off';
        controlledResources?: string[];
        controlledValues?: 'RequestsAndLimits' | 'RequestsOnly';
        minAllowed?: Record<string, number | string>;
        maxAllowed?: Record<string, number | string>;
      }[];
    };
    recommenders?: { name: string }[];
  };
}

const quantities = { type: 'object', additionalProperties: { oneOf: [{ type: 'integer' }, { type: 'string' }] } };
const schemaId = 'autoscaling.k8s.io.v1.VerticalPodAutoscaler';
const schema = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string', enum: ['autoscaling.k8s.io/v1'] },
    kind: { type: 'string', enum: ['VerticalPodAutoscaler'] },
    metadata: { oneOf: [{ $ref: 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta#' }, { type: 'null' }] },
    spec: {
      type: 'object',
      properties: {
        targetRef: { type: 'object', properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, name: { type: 'string' } }, required: ['kind', 'name'] },
        updatePolicy: {
          type: 'object',
          properties: { updateMode: { type: 'string', enum: ['Off', 'Initial', 'Recreate', 'InPlaceOrRecreate', 'InPlace', 'Auto'] }, minReplicas: { type: 'integer' } },
        },
        resourcePolicy: {
          type: 'object',
          properties: {
            containerPolicies: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  containerName: { type: 'string' },
                  mode: { type: 'string', enum: ['Auto', 'Off'] },
                  controlledResources: { type: 'array', items: { type: 'string' } },
                  controlledValues: { type: 'string', enum: ['RequestsAndLimits', 'RequestsOnly'] },
                  minAllowed: quantities,
                  maxAllowed: quantities,
                },
              },
            },
          },
        },
        recommenders: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } },
      },
      required: ['targetRef'],
    },
  },
  required: ['apiVersion', 'kind', 'spec'],
};

export class VerticalPodAutoscaler extends Model<IVerticalPodAutoscaler> implements IVerticalPodAutoscaler {
  static readonly apiVersion = 'autoscaling.k8s.io/v1';
  static readonly kind = 'VerticalPodAutoscaler';
  declare apiVersion: IVerticalPodAutoscaler['apiVersion'];
  declare kind: IVerticalPodAutoscaler['kind'];
  declare metadata?: IVerticalPodAutoscaler['metadata'];
  declare spec: IVerticalPodAutoscaler['spec'];

  constructor(data?: ModelData<IVerticalPodAutoscaler>) {
    super({ apiVersion: VerticalPodAutoscaler.apiVersion, kind: VerticalPodAutoscaler.kind, ...data } as ModelData<IVerticalPodAutoscaler>);
  }
}

setSchema(VerticalPodAutoscaler, schemaId, () => {
  addObjectMetaSchema();
  register(schemaId, schema);
});
