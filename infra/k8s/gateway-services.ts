import { Construct } from 'constructs';
import { Service } from 'kubernetes-models/v1/Service';
import { DEFAULT_ADMIN_PORT, DEFAULT_HTTP_PORT, PORT_NAMES } from '../../app/src/contract';
import { addObject } from './api-object';
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
    const service = (name: string, ports: { name: string; port: number; appProtocol: string }[]) =>
      new Service({
        metadata: { name, namespace: workload.namespace, labels: { ...workload.labels } },
        spec: {
          type: 'ClusterIP',
          selector: { ...workload.selector },
          ports: ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.name, protocol: 'TCP', appProtocol: p.appProtocol })),
        },
      });
    const httpPorts = [{ name: PORT_NAMES.http, port: DEFAULT_HTTP_PORT, appProtocol: 'http' }];
    addObject(this, 'http', service(this.httpServiceName, httpPorts));
    if (props.preview === true) {
      this.previewServiceName = `${workload.name}-preview`;
      addObject(this, 'preview', service(this.previewServiceName, httpPorts));
    }
    addObject(this, 'admin', service(this.adminServiceName, [{ name: PORT_NAMES.admin, port: DEFAULT_ADMIN_PORT, appProtocol: 'http' }]));
    if (workload.tcpListeners.length > 0) {
      const ports = workload.tcpListeners.map((listener) => ({ name: tcpPortName(listener), port: listener.port, appProtocol: 'tcp' }));
      addObject(this, 'tcp', service(this.tcpServiceName, ports));
    }
  }
}
