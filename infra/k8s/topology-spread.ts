import type { Labels } from './labels';

/** One topology key to spread a workload's pods over, and whether an uneven spread may still schedule. */
export interface SpreadRule {
  readonly topologyKey: string;
  readonly whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
}

/** A pod spec's `topologySpreadConstraints` entry, as Kubernetes and the charts' values take it. */
export interface TopologySpreadConstraint {
  readonly maxSkew: number;
  readonly topologyKey: string;
  readonly whenUnsatisfiable: SpreadRule['whenUnsatisfiable'];
  readonly labelSelector?: { readonly matchLabels: Labels };
}

const ZONE = 'topology.kubernetes.io/zone';
const NODE = 'kubernetes.io/hostname';

/**
 * Even across zones and nodes when the scheduler can, never holding a pod back: for the gateway,
 * which may run more pods than there are nodes.
 */
export const PREFERRED_SPREAD: readonly SpreadRule[] = [
  { topologyKey: ZONE, whenUnsatisfiable: 'ScheduleAnyway' },
  { topologyKey: NODE, whenUnsatisfiable: 'ScheduleAnyway' },
];

/**
 * Replicas of a control-path component (istiod, the ingress gateway, prometheus-adapter, the Argo
 * Rollouts controller), which run a few replicas so that losing a node loses one: never two on one
 * node while another node has fewer (a single-node cluster still schedules them all), and across
 * zones where possible, since a zone outage must not keep a replacement from starting elsewhere.
 */
export const CONTROL_PATH_SPREAD: readonly SpreadRule[] = [
  { topologyKey: NODE, whenUnsatisfiable: 'DoNotSchedule' },
  { topologyKey: ZONE, whenUnsatisfiable: 'ScheduleAnyway' },
];

/**
 * The constraints for `rules` over the pods `selector` matches (maxSkew 1). Without a selector, for
 * a chart that fills in its own pod selector.
 */
export function topologySpreadConstraints(rules: readonly SpreadRule[], selector?: Labels): TopologySpreadConstraint[] {
  return rules.map(({ topologyKey, whenUnsatisfiable }) => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable,
    ...(selector === undefined ? {} : { labelSelector: { matchLabels: { ...selector } } }),
  }));
}
