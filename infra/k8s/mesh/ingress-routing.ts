import { Construct } from 'constructs';
import { DestinationRule } from '@kubernetes-models/istio/networking.istio.io/v1beta1/DestinationRule';
import { Gateway } from '@kubernetes-models/istio/networking.istio.io/v1beta1/Gateway';
import { VirtualService } from '@kubernetes-models/istio/networking.istio.io/v1beta1/VirtualService';
import { DEFAULT_HTTP_PORT, type RouteTable } from '../../../app/src/contract';
import type { CanarySpec, FaultInjectionSpec, IngressSpec, RetrySpec } from '../../environments/types';
import { addObject } from '../api-object';
import { tcpPortName, type GatewayWorkload } from '../gateway-workload';
import { INGRESS_GATEWAY_POD_LABELS } from '../platform-names';

/** Seconds the mesh waits beyond a route's own timeout, so the gateway's coded 504 reaches the client first. */
export const MESH_TIMEOUT_MARGIN_SECONDS = 1;

export interface IngressRoutingProps {
  readonly workload: GatewayWorkload;
  /** Name of the gateway's client HTTP Service. */
  readonly serviceName: string;
  /** Name of the gateway's TCP Service, used when the workload has TCP listeners. */
  readonly tcpServiceName: string;
  readonly ingress: IngressSpec;
  readonly routes: RouteTable;
  readonly retries: RetrySpec;
  /** @default no canary split */
  readonly canary?: Pick<CanarySpec, 'weightPercent' | 'headerName'>;
  /** @default no fault injection */
  readonly faultInjection?: FaultInjectionSpec;
}

/**
 * How outside traffic reaches the gateway: the Istio ingress Gateway (HTTPS, HTTP redirected,
 * plus one TCP server per raw TCP listener), a VirtualService with one route per route-table entry
 * (timeouts, retries, canary split, and delay injection where the environment enables it), a TCP
 * VirtualService forwarding each listener port, and the stable/canary subsets. The ingress
 * gateway's own Service must expose the TCP ports too (set when Istio is installed).
 */
export class IngressRouting extends Construct {
  constructor(scope: Construct, id: string, props: IngressRoutingProps) {
    super(scope, id);
    const { workload, ingress, retries } = props;
    const canaryWeight = props.canary?.weightPercent ?? 0;
    const fault = props.faultInjection?.enabled === true ? props.faultInjection : undefined;
    if (canaryWeight < 0 || canaryWeight > 100) throw new Error(`IngressRouting: 'canary.weightPercent' (${canaryWeight}) must be 0..100`);
    const metadata = (name: string) => ({ name, namespace: workload.namespace, labels: { ...workload.labels } });
    const host = `${props.serviceName}.${workload.namespace}.svc.cluster.local`;
    const gatewayName = `${workload.name}-ingress`;

    addObject(
      this,
      'gateway',
      new Gateway({
        metadata: metadata(gatewayName),
        spec: {
          selector: { ...INGRESS_GATEWAY_POD_LABELS },
          servers: [
            { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: [...ingress.hosts], tls: { httpsRedirect: true } },
            { port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: [...ingress.hosts], tls: { mode: 'SIMPLE', credentialName: ingress.tlsCredentialName } },
            ...workload.tcpListeners.map((listener) => ({ port: { number: listener.port, name: tcpPortName(listener), protocol: 'TCP' }, hosts: ['*'] })),
          ],
        },
      }),
    );

    const destination = (subset: 'stable' | 'canary', weight: number) => ({ destination: { host, subset, port: { number: DEFAULT_HTTP_PORT } }, weight });
    const http = props.routes.routes.flatMap((route) => {
      const common = {
        timeout: `${Math.ceil(route.timeoutMs / 1000) + MESH_TIMEOUT_MARGIN_SECONDS}s`,
        retries: { attempts: retries.attempts, perTryTimeout: retries.perTryTimeout, retryOn: retries.retryOn },
        ...(fault === undefined ? {} : { fault: { delay: { percentage: { value: fault.delayPercent }, fixedDelay: fault.fixedDelay } } }),
      };
      const uri = { prefix: route.match.pathPrefix };
      const split = canaryWeight === 0 ? [destination('stable', 100)] : [destination('stable', 100 - canaryWeight), destination('canary', canaryWeight)];
      const byHeader =
        canaryWeight === 0 || props.canary === undefined
          ? []
          : [{ name: `${route.name}-canary-header`, match: [{ uri, headers: { [props.canary.headerName]: { exact: 'true' } } }], route: [destination('canary', 100)], ...common }];
      return [...byHeader, { name: route.name, match: [{ uri }], route: split, ...common }];
    });

    addObject(
      this,
      'virtual-service',
      new VirtualService({
        metadata: metadata(workload.name),
        spec: { hosts: [...ingress.hosts], gateways: [gatewayName], http },
      }),
    );
    if (workload.tcpListeners.length > 0) {
      const tcpHost = `${props.tcpServiceName}.${workload.namespace}.svc.cluster.local`;
      addObject(
        this,
        'tcp-virtual-service',
        new VirtualService({
          metadata: metadata(`${workload.name}-tcp`),
          spec: {
            hosts: ['*'],
            gateways: [gatewayName],
            tcp: workload.tcpListeners.map((listener) => ({ match: [{ port: listener.port }], route: [{ destination: { host: tcpHost, port: { number: listener.port } } }] })),
          },
        }),
      );
    }
    addObject(
      this,
      'subsets',
      new DestinationRule({
        metadata: metadata(workload.name),
        spec: {
          host,
          trafficPolicy: { loadBalancer: { simple: 'LEAST_REQUEST' } },
          subsets: [
            { name: 'stable', labels: { version: 'stable' } },
            { name: 'canary', labels: { version: 'canary' } },
          ],
        },
      }),
    );
  }
}
