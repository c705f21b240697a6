import { Construct } from 'constructs';
import { Service } from 'kubernetes-models/v1/Service';
import { DEFAULT_ADMIN_PORT, DEFAULT_HTTP_PORT, PORT_NAMES } from '../../app/src/contract';
import { addObject } from './api-object';
import type { GatewayWorkload } from './gateway-workload';

export interface GatewayServicesProps {
  readonly workload: GatewayWorkload;
}

/**
 * ClusterIP Services in front of the gateway pods: `gateway` for client traffic (the Istio ingress
 * gateway routes to it) and `gateway-admin` for the admin port, which the ServiceMonitor scrapes.
 * Keeping the admin port off the client Service means a route can never expose it.
 */
export class GatewayServices extends Construct {
  readonly httpServiceName: string;
  readonly adminServiceName: string;

  constructor(scope: Construct, id: string, props: GatewayServicesProps) {
    super(scope, id);
    const { workload } = props;
    this.httpServiceName = workload.name;
    this.adminServiceName = `${workload.name}-admin`;
    const service = (name: string, portName: string, port: number) =>
      new Service({
        metadata: { name, namespace: workload.namespace, labels: { ...workload.labels } },
        spec: {
          type: 'ClusterIP',
          selector: { ...workload.selector },
          ports: [{ name: portName, port, targetPort: portName, protocol: 'TCP', appProtocol: 'http' }],
        },
      });
    addObject(this, 'http', service(this.httpServiceName, PORT_NAMES.http, DEFAULT_HTTP_PORT));
    addObject(this, 'admin', service(this.adminServiceName, PORT_NAMES.admin, DEFAULT_ADMIN_PORT));
  }
}
