import type { Construct } from 'constructs';
import * as kplus from './cdk8s-plus';
import { PLATFORM_LABELS, type Labels } from './labels';
import { NAMESPACES } from './platform-names';

/** A peer: pods (all, or those with `pods` labels) in a namespace, or an address range. */
export type TrafficPeer = { readonly namespace: string; readonly pods?: Labels } | { readonly cidr: string };

export interface TrafficPort {
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP';
}

export interface TrafficRule {
  readonly peers: readonly TrafficPeer[];
  readonly ports: readonly TrafficPort[];
}

export interface AllowTrafficProps {
  readonly namespace: string;
  /** NetworkPolicy name; reads as what it allows, e.g. `gateway-allow-ingress`. */
  readonly name: string;
  /** Pods the policy applies to; `{}` selects every pod in the namespace. */
  readonly podSelector: Labels;
  /** @default - no ingress allowed by this policy */
  readonly ingress?: readonly TrafficRule[];
  /** @default - no egress allowed by this policy */
  readonly egress?: readonly TrafficRule[];
}

/** Cluster DNS on 53 TCP and UDP: every pod that resolves names needs it past a default deny. */
export const DNS_EGRESS: TrafficRule = {
  peers: [{ namespace: NAMESPACES.dns, pods: { 'k8s-app': 'kube-dns' } }],
  ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
};

/** istiod's xDS port: injected sidecars fetch their configuration and certificates there. */
export const ISTIOD_EGRESS: TrafficRule = {
  peers: [{ namespace: NAMESPACES.istio, pods: { app: 'istiod' } }],
  ports: [{ port: 15012 }],
};

/**
 * One NetworkPolicy that opens exactly the listed traffic on top of the namespace's default deny.
 * cdk8s-plus takes one peer per rule, so a rule with several peers becomes one rule per peer
 * with the same ports (NetworkPolicy rules add up, so the traffic allowed is the same).
 */
export function allowTraffic(scope: Construct, id: string, props: AllowTrafficProps): kplus.NetworkPolicy {
  if (props.ingress === undefined && props.egress === undefined) {
    throw new Error(`NetworkPolicy '${props.name}': set 'ingress' or 'egress'; a policy with neither allows nothing`);
  }
  // An empty list still states its direction, so the selected pods get none of that traffic.
  const denyWhenEmpty = (rules?: readonly TrafficRule[]) => (rules?.length === 0 ? { default: kplus.NetworkPolicyTrafficDefault.DENY } : undefined);
  const policy = new kplus.NetworkPolicy(scope, id, {
    metadata: { name: props.name, namespace: props.namespace, labels: { ...PLATFORM_LABELS } },
    selector: podsIn(scope, `${id}-pods`, { pods: props.podSelector }),
    ingress: denyWhenEmpty(props.ingress),
    egress: denyWhenEmpty(props.egress),
  });
  (props.ingress ?? []).forEach((rule, ruleIndex) => {
    rule.peers.forEach((peer, peerIndex) => policy.addIngressRule(toPeer(policy, `from-${ruleIndex}-${peerIndex}`, peer), rule.ports.map(toPort)));
  });
  (props.egress ?? []).forEach((rule, ruleIndex) => {
    rule.peers.forEach((peer, peerIndex) => policy.addEgressRule(toPeer(policy, `to-${ruleIndex}-${peerIndex}`, peer), rule.ports.map(toPort)));
  });
  return policy;
}

/** Pods with `pods` labels (all when absent) in `namespace` (the policy's own when absent). */
function podsIn(scope: Construct, id: string, peer: { namespace?: string; pods?: Labels }): kplus.Pods {
  const namespaces = peer.namespace === undefined ? undefined : kplus.Namespaces.select(scope, `${id}-namespace`, { names: [peer.namespace] });
  return kplus.Pods.select(scope, id, { labels: { ...peer.pods }, namespaces });
}

function toPeer(scope: Construct, id: string, peer: TrafficPeer): kplus.INetworkPolicyPeer {
  if ('cidr' in peer) return peer.cidr.includes(':') ? kplus.NetworkPolicyIpBlock.ipv6(scope, id, peer.cidr) : kplus.NetworkPolicyIpBlock.ipv4(scope, id, peer.cidr);
  return podsIn(scope, id, peer);
}

function toPort(port: TrafficPort): kplus.NetworkPolicyPort {
  return (port.protocol ?? 'TCP') === 'TCP' ? kplus.NetworkPolicyPort.tcp(port.port) : kplus.NetworkPolicyPort.udp(port.port);
}
