import { Construct } from 'constructs';
import { PeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1beta1/PeerAuthentication';
import { AuthorizationPolicy } from '@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy';
import { addObject } from './api-object';
import * as kplus from './cdk8s-plus';
import { PLATFORM_LABELS } from './labels';

export interface WorkloadNamespaceProps {
  readonly name: string;
}

/**
 * A namespace that workloads run in, with the baseline every such namespace gets: Pod Security
 * `restricted`, sidecar injection, and deny-by-default at both layers (NetworkPolicy for L3/L4,
 * an empty AuthorizationPolicy for the mesh) plus STRICT mTLS. Workloads then open what they need.
 *
 * Injected sidecars comply with `restricted` only when Istio runs with its CNI node agent
 * (no privileged `istio-init` container).
 */
export class WorkloadNamespace extends Construct {
  readonly name: string;

  constructor(scope: Construct, id: string, props: WorkloadNamespaceProps) {
    super(scope, id);
    this.name = props.name;
    new kplus.Namespace(this, 'namespace', {
      metadata: {
        name: props.name,
        labels: {
          ...PLATFORM_LABELS,
          'istio-injection': 'enabled',
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/warn': 'restricted',
        },
      },
    });
    // No selector: every pod in the namespace.
    new kplus.NetworkPolicy(this, 'default-deny', {
      metadata: { name: 'default-deny', namespace: props.name, labels: { ...PLATFORM_LABELS } },
      ingress: { default: kplus.NetworkPolicyTrafficDefault.DENY },
      egress: { default: kplus.NetworkPolicyTrafficDefault.DENY },
    });
    addObject(
      this,
      'mtls-strict',
      new PeerAuthentication({
        metadata: { name: 'default', namespace: props.name, labels: { ...PLATFORM_LABELS } },
        spec: { mtls: { mode: 'STRICT' } },
      }),
    );
    // An AuthorizationPolicy with an empty spec matches nothing, so every request is denied
    // unless another policy in the namespace allows it.
    addObject(this, 'mesh-deny', new AuthorizationPolicy({ metadata: { name: 'default-deny', namespace: props.name, labels: { ...PLATFORM_LABELS } }, spec: {} }));
  }
}
