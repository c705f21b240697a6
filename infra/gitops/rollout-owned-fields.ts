import type { IRollout } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout';
import type { ManifestObject } from '../synth/validate-manifests';

/**
 * The label Argo Rollouts puts on each ReplicaSet's pods and writes into the selectors and subsets
 * that must pick one version (`DefaultRolloutUniqueLabelKey`, pkg/apis/rollouts/v1alpha1/types.go,
 * argo-rollouts v1.9.0, the controller of the pinned argo-rollouts chart 2.40.9).
 */
export const ROLLOUT_HASH_LABEL = 'rollouts-pod-template-hash';

/** Fields of one object that a Rollout's controller changes while it runs: what a sync must leave alone. */
export interface ControllerOwnedFields {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  /** jq paths (gojq, as Argo CD evaluates them) of the controller's fields. */
  readonly jqPathExpressions: readonly string[];
}

const SELECTOR_HASH = `.spec.selector["${ROLLOUT_HASH_LABEL}"]`;
/** The weights of every weighted destination (argo-rollouts v1.9.0, docs/features/traffic-management/istio.md, "Argo CD"). */
const ROUTE_WEIGHTS = '.spec.http[].route[].weight';
/** Only the hash label: the subsets' other labels stay the manifests' (istio.go, `subset.Labels[DefaultRolloutUniqueLabelKey]`). */
const SUBSET_HASH = `.spec.subsets[].labels["${ROLLOUT_HASH_LABEL}"]`;

type RolloutStrategy = NonNullable<IRollout['spec']['strategy']>;
type Canary = NonNullable<RolloutStrategy['canary']>;

/** Traffic routers whose controller-owned fields `rolloutOwnedFields` knows. */
const KNOWN_TRAFFIC_ROUTERS = new Set(['istio']);

/**
 * For every Argo Rollouts Rollout among `objects`, the fields of other objects its controller
 * rewrites during a rollout: the selectors of the Services it switches (blue-green active and
 * preview, canary stable and canary; argo-rollouts v1.9.0 docs/features/bluegreen.md and
 * specification.md), and with Istio the weights of the VirtualService's routes and the hash label
 * of the DestinationRule's subsets. A traffic router not listed here is refused rather than
 * silently left for a deploy tool to overwrite mid-rollout.
 */
export function rolloutOwnedFields(objects: readonly ManifestObject[]): ControllerOwnedFields[] {
  const owned: ControllerOwnedFields[] = [];
  for (const object of objects) {
    if (object.apiVersion !== 'argoproj.io/v1alpha1' || object.kind !== 'Rollout') continue;
    const rollout = object as unknown as IRollout;
    const namespace = rollout.metadata?.namespace;
    const where = `Rollout ${namespace ?? '(no namespace)'}/${rollout.metadata?.name ?? '(no name)'}`;
    if (namespace === undefined) throw new Error(`${where}: metadata.namespace is required to name the objects its controller changes`);
    const service = (name: string | undefined): ControllerOwnedFields[] =>
      name === undefined ? [] : [{ group: '', kind: 'Service', name, namespace, jqPathExpressions: [SELECTOR_HASH] }];
    const { blueGreen, canary } = rollout.spec.strategy ?? {};
    if (blueGreen !== undefined) owned.push(...service(blueGreen.activeService), ...service(blueGreen.previewService));
    if (canary !== undefined) owned.push(...service(canary.stableService), ...service(canary.canaryService), ...istioOwnedFields(canary, namespace, where));
  }
  return owned;
}

function istioOwnedFields(canary: Canary, namespace: string, where: string): ControllerOwnedFields[] {
  const routing = canary.trafficRouting ?? {};
  const unknown = Object.keys(routing).filter((router) => !KNOWN_TRAFFIC_ROUTERS.has(router));
  if (unknown.length > 0) {
    throw new Error(`${where}: spec.strategy.canary.trafficRouting.${unknown.join(', ')} is not known to rolloutOwnedFields; add the fields that router's controller changes (infra/gitops/rollout-owned-fields.ts)`);
  }
  const istio = routing.istio;
  if (istio === undefined) return [];
  const virtualServices = [...(istio.virtualService === undefined ? [] : [istio.virtualService]), ...(istio.virtualServices ?? [])];
  return [
    ...virtualServices.map((reference) => {
      // `<name>.<namespace>` names a VirtualService elsewhere (GetVirtualServiceNamespaceName, utils/istio/istio.go, v1.9.0).
      const [name = reference.name, elsewhere] = reference.name.split('.');
      return { group: 'networking.istio.io', kind: 'VirtualService', name, namespace: elsewhere ?? namespace, jqPathExpressions: [ROUTE_WEIGHTS] };
    }),
    ...(istio.destinationRule === undefined
      ? []
      : [{ group: 'networking.istio.io', kind: 'DestinationRule', name: istio.destinationRule.name, namespace, jqPathExpressions: [SUBSET_HASH] }]),
  ];
}
