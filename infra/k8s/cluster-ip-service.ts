import { ApiObject, JsonPatch } from 'cdk8s';
import type { Construct } from 'constructs';
import * as kplus from './cdk8s-plus';
import type { Labels } from './labels';

export interface ClusterIpServicePort {
  readonly name: string;
  readonly port: number;
  /** Container port the traffic goes to. @default `port` */
  readonly targetPort?: number;
  /** Protocol the mesh treats the port as, e.g. `http`, `tcp`. @default none (Istio then goes by the port name's prefix) */
  readonly appProtocol?: string;
}

export interface ClusterIpServiceProps {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Labels;
  /** Pod labels the Service sends traffic to. */
  readonly selector: Labels;
  readonly ports: readonly ClusterIpServicePort[];
  /**
   * `ClientIP` keeps each client on one pod (kube-proxy honours it; Istio sidecars do their own
   * load balancing and need a DestinationRule instead). @default none: every connection may go elsewhere
   */
  readonly sessionAffinity?: 'ClientIP';
}

/**
 * A ClusterIP Service in front of pods with `selector`'s labels. It selects by those labels rather
 * than by handing cdk8s-plus the workload (`selector: deployment`, `exposeViaService`), which
 * would select by the construct-address label the pods here do not carry (see restricted-pods).
 */
export function clusterIpService(scope: Construct, id: string, props: ClusterIpServiceProps): kplus.Service {
  const service = new kplus.Service(scope, id, {
    metadata: { name: props.name, namespace: props.namespace, labels: { ...props.labels } },
    type: kplus.ServiceType.CLUSTER_IP,
    ports: props.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort ?? p.port, protocol: kplus.Protocol.TCP })),
  });
  for (const [key, value] of Object.entries(props.selector)) service.selectLabel(key, value);
  // cdk8s-plus's Service has no sessionAffinity, nor its ServicePort an appProtocol (src/service.ts at cdk8s-plus-28/v2.5.6).
  const apiObject = ApiObject.of(service);
  if (props.sessionAffinity !== undefined) apiObject.addJsonPatch(JsonPatch.add('/spec/sessionAffinity', props.sessionAffinity));
  props.ports.forEach((p, index) => {
    if (p.appProtocol !== undefined) apiObject.addJsonPatch(JsonPatch.add(`/spec/ports/${index}/appProtocol`, p.appProtocol));
  });
  return service;
}
