import { Construct } from 'constructs';
import { DestinationRule } from '@kubernetes-models/istio/networking.istio.io/v1beta1/DestinationRule';
import { Gateway } from '@kubernetes-models/istio/networking.istio.io/v1beta1/Gateway';
import { VirtualService } from '@kubernetes-models/istio/networking.istio.io/v1beta1/VirtualService';
import { DEFAULT_HTTP_PORT, type RouteTable } from '../../../app/src/contract';
import type { FaultInjectionSpec, IngressSpec, RetrySpec } from '../../environments/types';
import { addObject } from '../api-object';
import { tcpPortName, type GatewayWorkload } from '../gateway-workload';
import { INGRESS_GATEWAY_POD_LABELS, serviceHost } from '../platform-names';

/** Seconds the mesh waits beyond a route's own timeout, so the gateway's coded 504 reaches the client first. */
export const MESH_TIMEOUT_MARGIN_SECONDS = 1;

/**
 * What the ingress retries: only requests that never reached a gateway pod (the connection failed,
 * or an HTTP/2 stream was refused before the pod read it), so a POST is never replayed and the
 * gateway's own 502/503/504 (an upstream failure it already retried within its budget, load
 * shedding, an open circuit) are not multiplied by the mesh while it sheds load. Set explicitly:
 * without `retryOn` Istio retries `connect-failure,refused-stream,unavailable,cancelled,
 * retriable-status-codes` (pilot/pkg/networking/core/route/retry/retry.go at 1.29.2). No
 * `perTryTimeout` either: each try then gets the route's timeout (HTTPRetry in
 * networking/v1alpha3/virtual_service.proto at 1.29.2), and a slow answer is not cut short.
 */
export const MESH_RETRY_ON = 'connect-failure,refused-stream';

export interface IngressRoutingProps {
  readonly workload: GatewayWorkload;
  /** Name of the gateway's client HTTP Service. */
  readonly serviceName: string;
  /** Name of the gateway's TCP Service, used when the workload has TCP listeners. */
  readonly tcpServiceName: string;
  readonly ingress: IngressSpec;
  readonly routes: RouteTable;
  readonly retries: RetrySpec;
  /** Requests with this header set to `true` go to the new version at any stage of a rollout. */
  readonly previewHeaderName: string;
  /**
   * Service in front of a blue-green rollout's preview pods, where preview requests go; without
   * it they go to the canary subset. @default the canary subset
   */
  readonly previewServiceName?: string;
  /** @default no fault injection */
  readonly faultInjection?: FaultInjectionSpec;
}

/**
 * Ports of the ingress Gateway's HTTP servers. The Istio gateway chart's Service targets the same
 * port numbers on the pods (manifests/charts/gateway/values.yaml at 1.29.2), so these are also the
 * ports its Envoy listens on, which AuthorizationPolicies on the ingress gateway match.
 */
export const INGRESS_SERVER_PORTS = { http: 80, https: 443 } as const;

/**
 * Ports every Envoy, the ingress gateway's included, uses itself (istio.io, Application
 * Requirements, "Ports used by Istio"): a Gateway server on one would fail to bind or shadow it.
 */
const ENVOY_PORTS: readonly number[] = [15000, 15001, 15004, 15006, 15008, 15009, 15020, 15021, 15053, 15090];

/** Subset names in the gateway's DestinationRule; Argo Rollouts points each at one ReplicaSet. */
export const SUBSETS = { stable: 'stable', canary: 'canary' } as const;

/**
 * How outside traffic reaches the gateway: the Istio ingress Gateway (HTTPS, HTTP redirected,
 * plus one TCP server per raw TCP listener), a VirtualService with one route per route-table entry
 * (timeouts, retries, delay injection where the environment enables it) preceded by its preview
 * route, a TCP VirtualService forwarding each listener port, and the stable/canary subsets. The
 * ingress gateway's own Service exposes the TCP ports too: the Pulumi program reads them from this
 * Gateway when it installs the ingress gateway (infra/pulumi/ingress-service-ports.ts).
 *
 * Argo Rollouts owns the traffic split: it sets the weights of the routes in `weightedRouteNames`
 * and the subsets' `rollouts-pod-template-hash` labels. What is synthesized is the resting state
 * (everything on stable), so re-applying charts-out/ between rollouts changes nothing that matters.
 */
export class IngressRouting extends Construct {
  readonly virtualServiceName: string;
  /** The VirtualService's HTTP routes that split traffic between the stable and canary subsets. */
  readonly weightedRouteNames: readonly string[];
  readonly destinationRuleName: string;

  constructor(scope: Construct, id: string, props: IngressRoutingProps) {
    super(scope, id);
    const { workload, ingress, retries } = props;
    const fault = props.faultInjection?.enabled === true ? props.faultInjection : undefined;
    if (!/^[a-z0-9][a-z0-9-]*$/.test(props.previewHeaderName)) {
      throw new Error(`IngressRouting: 'previewHeaderName' (${props.previewHeaderName}) must be a lower-case header name`);
    }
    const taken = new Set([INGRESS_SERVER_PORTS.http, INGRESS_SERVER_PORTS.https, ...ENVOY_PORTS]);
    for (const listener of workload.tcpListeners) {
      if (taken.has(listener.port)) {
        throw new Error(`IngressRouting: TCP listener '${listener.name}' port (${listener.port}) is one the ingress gateway already serves or Envoy uses (${[...taken].join(', ')}); give the listener another port in the route table's tcp list`);
      }
    }
    this.virtualServiceName = workload.name;
    this.destinationRuleName = workload.name;
    this.weightedRouteNames = props.routes.routes.map((route) => route.name);
    const metadata = (name: string) => ({ name, namespace: workload.namespace, labels: { ...workload.labels } });
    const host = serviceHost(props.serviceName, workload.namespace);
    const gatewayName = `${workload.name}-ingress`;

    addObject(
      this,
      'gateway',
      new Gateway({
        metadata: metadata(gatewayName),
        spec: {
          selector: { ...INGRESS_GATEWAY_POD_LABELS },
          servers: [
            { port: { number: INGRESS_SERVER_PORTS.http, name: 'http', protocol: 'HTTP' }, hosts: [...ingress.hosts], tls: { httpsRedirect: true } },
            { port: { number: INGRESS_SERVER_PORTS.https, name: 'https', protocol: 'HTTPS' }, hosts: [...ingress.hosts], tls: { mode: 'SIMPLE', credentialName: ingress.tlsCredentialName } },
            ...workload.tcpListeners.map((listener) => ({ port: { number: listener.port, name: tcpPortName(listener), protocol: 'TCP' }, hosts: ['*'] })),
          ],
        },
      }),
    );

    const port = { number: DEFAULT_HTTP_PORT };
    const destination = (subset: keyof typeof SUBSETS, weight: number) => ({ destination: { host, subset: SUBSETS[subset], port }, weight });
    // A fixed route rather than Argo's setHeaderRoute step: it keeps the route's timeout, retries
    // and faults, and works from the first step, before any weight moves (the Rollout starts the
    // canary pods then). Between rollouts the canary subset points at the stable pods.
    const previewDestination =
      props.previewServiceName === undefined
        ? destination('canary', 100)
        : { destination: { host: serviceHost(props.previewServiceName, workload.namespace), port }, weight: 100 };
    const http = props.routes.routes.flatMap((route) => {
      const common = {
        timeout: `${Math.ceil(route.timeoutMs / 1000) + MESH_TIMEOUT_MARGIN_SECONDS}s`,
        retries: { attempts: retries.attempts, retryOn: MESH_RETRY_ON },
        ...(fault === undefined ? {} : { fault: { delay: { percentage: { value: fault.delayPercent }, fixedDelay: fault.fixedDelay } } }),
      };
      const uri = { prefix: route.match.pathPrefix };
      return [
        { name: `${route.name}-preview`, match: [{ uri, headers: { [props.previewHeaderName]: { exact: 'true' } } }], route: [previewDestination], ...common },
        // Argo Rollouts requires both destinations on a route it weights, even at 0.
        { name: route.name, match: [{ uri }], route: [destination('stable', 100), destination('canary', 0)], ...common },
      ];
    });

    addObject(
      this,
      'virtual-service',
      new VirtualService({
        metadata: metadata(this.virtualServiceName),
        spec: { hosts: [...ingress.hosts], gateways: [gatewayName], http },
      }),
    );
    if (workload.tcpListeners.length > 0) {
      const tcpHost = serviceHost(props.tcpServiceName, workload.namespace);
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
        metadata: metadata(this.destinationRuleName),
        spec: {
          host,
          trafficPolicy: { loadBalancer: { simple: 'LEAST_REQUEST' } },
          // Argo Rollouts adds each subset's rollouts-pod-template-hash; until it has, both select every gateway pod.
          subsets: [
            { name: SUBSETS.stable, labels: { ...workload.selector } },
            { name: SUBSETS.canary, labels: { ...workload.selector } },
          ],
        },
      }),
    );
  }
}
