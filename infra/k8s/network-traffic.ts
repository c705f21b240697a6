import type { Construct } from 'constructs';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import { addObject } from './api-object';
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

function toPeer(peer: TrafficPeer): INetworkPolicyPeer {
  if ('cidr' in peer) return { ipBlock: { cidr: peer.cidr } };
  return {
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': peer.namespace } },
    ...(peer.pods === undefined ? {} : { podSelector: { matchLabels: { ...peer.pods } } }),
  };
}

function toPorts(rule: TrafficRule) {
  return rule.ports.map((p) => ({ port: p.port, protocol: p.protocol ?? 'TCP' }));
}

/** One NetworkPolicy that opens exactly the listed traffic on top of the namespace's default deny. */
export function allowTraffic(scope: Construct, id: string, props: AllowTrafficProps): void {
  const policyTypes: ('Ingress' | 'Egress')[] = [];
  if (props.ingress !== undefined) policyTypes.push('Ingress');
  if (props.egress !== undefined) policyTypes.push('Egress');
  if (policyTypes.length === 0) {
    throw new Error(`NetworkPolicy '${props.name}': set 'ingress' or 'egress'; a policy with neither allows nothing`);
  }
  addObject(
    scope,
    id,
    new NetworkPolicy({
      metadata: { name: props.name, namespace: props.namespace, labels: { ...PLATFORM_LABELS } },
      spec: {
        podSelector: { matchLabels: { ...props.podSelector } },
        policyTypes,
        ...(props.ingress === undefined ? {} : { ingress: props.ingress.map((r) => ({ from: r.peers.map(toPeer), ports: toPorts(r) })) }),
        ...(props.egress === undefined ? {} : { egress: props.egress.map((r) => ({ to: r.peers.map(toPeer), ports: toPorts(r) })) }),
      },
    }),
  );
}
