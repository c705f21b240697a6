import { Construct } from 'constructs';
import { DestinationRule } from '@kubernetes-models/istio/networking.istio.io/v1beta1/DestinationRule';
import type { RouteTable } from '../../../app/src/contract';
import type { UpstreamTrafficPolicySpec } from '../../environments/types';
import { addObject } from '../api-object';
import type { Labels } from '../labels';
import { serviceHost } from '../platform-names';
import { upstreamServices } from '../upstream-services';

export interface UpstreamTrafficPoliciesProps {
  /** Namespace the rules live in; they are exported to it only, so they shape the gateway's calls alone. */
  readonly namespace: string;
  readonly labels: Labels;
  readonly routes: RouteTable;
  readonly policy: UpstreamTrafficPolicySpec;
}

/** One DestinationRule per upstream Service the routes name: connection pool limits and outlier detection. */
export class UpstreamTrafficPolicies extends Construct {
  constructor(scope: Construct, id: string, props: UpstreamTrafficPoliciesProps) {
    super(scope, id);
    const { policy } = props;
    const names = new Set<string>();
    for (const { service, namespace } of upstreamServices(props.routes)) {
      const name = `${service}.${namespace}`;
      if (names.has(name)) continue;
      names.add(name);
      addObject(
        this,
        name,
        new DestinationRule({
          metadata: { name: `upstream-${name}`, namespace: props.namespace, labels: { ...props.labels } },
          spec: {
            host: serviceHost(service, namespace),
            exportTo: ['.'],
            trafficPolicy: {
              loadBalancer: { simple: 'LEAST_REQUEST' },
              connectionPool: {
                tcp: { maxConnections: policy.maxConnections },
                http: { http1MaxPendingRequests: policy.http1MaxPendingRequests, maxRequestsPerConnection: policy.maxRequestsPerConnection },
              },
              outlierDetection: {
                consecutiveGatewayErrors: policy.consecutiveGatewayErrors,
                interval: policy.interval,
                baseEjectionTime: policy.baseEjectionTime,
                maxEjectionPercent: policy.maxEjectionPercent,
              },
            },
          },
        }),
      );
    }
  }
}
