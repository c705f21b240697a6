import { Construct } from 'constructs';
import { DEFAULT_ADMIN_PORT, DEFAULT_HTTP_PORT, PORT_NAMES } from '../../app/src/contract';
import { clusterIpService, type ClusterIpServicePort } from './cluster-ip-service';
import { tcpPortName, type GatewayWorkload } from './gateway-workload';

export interface GatewayServicesProps {
  readonly workload: GatewayWorkload;
  /**
   * Add `gateway-preview`, the HTTP Service a blue-green rollout points at its preview pods
   * (Argo Rollouts narrows its selector, and that of `gateway`, to one ReplicaSet each).
   * @default false
   */
  readonly preview?: boolean;
}

/**
 * ClusterIP Services in front of the gateway pods: `gateway` for client HTTP traffic (the Istio
 * ingress gateway routes to it), `gateway-tcp` for raw TCP listeners when there are any, and
 * `gateway-admin` for the admin port, which the ServiceMonitor scrapes. Keeping the admin port off
 * the client Services means a route can never expose it. A blue-green rollout adds `gateway-preview`.
 */
export class GatewayServices extends Construct {
  readonly httpServiceName: string;
  readonly adminServiceName: string;
  readonly tcpServiceName: string;
  /** Set when `preview` is. */
  readonly previewServiceName?: string;

  constructor(scope: Construct, id: string, props: GatewayServicesProps) {
    super(scope, id);
    const { workload } = props;
    this.httpServiceName = workload.name;
    this.adminServiceName = `${workload.name}-admin`;
    this.tcpServiceName = `${workload.name}-tcp`;
    const service = (serviceId: string, name: string, ports: ClusterIpServicePort[]) =>
      clusterIpService(this, serviceId, { name, namespace: workload.namespace, labels: workload.labels, selector: workload.selector, ports });
    const httpPorts = [{ name: PORT_NAMES.http, port: DEFAULT_HTTP_PORT, appProtocol: 'http' }];
    service('http', this.httpServiceName, httpPorts);
    if (props.preview === true) {
      this.previewServiceName = `${workload.name}-preview`;
      service('preview', this.previewServiceName, httpPorts);
    }
    service('admin', this.adminServiceName, [{ name: PORT_NAMES.admin, port: DEFAULT_ADMIN_PORT, appProtocol: 'http' }]);
    if (workload.tcpListeners.length > 0) {
      service('tcp', this.tcpServiceName, workload.tcpListeners.map((listener) => ({ name: tcpPortName(listener), port: listener.port, appProtocol: 'tcp' })));
    }
  }
}
