import { Construct } from 'constructs';
import { Telemetry } from '@kubernetes-models/istio/telemetry.istio.io/v1alpha1/Telemetry';
import { addObject } from '../api-object';
import type { Labels } from '../labels';
import { NAMESPACES } from '../platform-names';

/** Names of the providers configured in Istio's meshConfig `extensionProviders` (set at Istio install). */
export const MESH_PROVIDERS = { metrics: 'prometheus', tracing: 'jaeger', accessLog: 'envoy' } as const;

/**
 * The mesh's access lines as JSON (istiod's `envoyFileAccessLog.logFormat.labels`,
 * mesh/v1alpha1/config.proto in istio/api at 1.29.2), so the log pipeline decodes them like the
 * gateway's lines instead of parsing Envoy's text format. Istio's own JSON fields
 * (pilot/pkg/model/telemetry_logging.go, EnvoyJSONLogFormatIstio, at 1.29.2) plus the request's
 * `traceparent`, which links a line to its trace (observability/log-links.ts).
 */
export const MESH_ACCESS_LOG_FORMAT: Readonly<Record<string, string>> = {
  start_time: '%START_TIME%',
  method: '%REQ(:METHOD)%',
  path: '%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%',
  protocol: '%PROTOCOL%',
  response_code: '%RESPONSE_CODE%',
  response_flags: '%RESPONSE_FLAGS%',
  response_code_details: '%RESPONSE_CODE_DETAILS%',
  connection_termination_details: '%CONNECTION_TERMINATION_DETAILS%',
  bytes_received: '%BYTES_RECEIVED%',
  bytes_sent: '%BYTES_SENT%',
  duration: '%DURATION%',
  upstream_service_time: '%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%',
  x_forwarded_for: '%REQ(X-FORWARDED-FOR)%',
  user_agent: '%REQ(USER-AGENT)%',
  request_id: '%REQ(X-REQUEST-ID)%',
  traceparent: '%REQ(TRACEPARENT)%',
  authority: '%REQ(:AUTHORITY)%',
  upstream_host: '%UPSTREAM_HOST%',
  upstream_cluster: '%UPSTREAM_CLUSTER_RAW%',
  upstream_local_address: '%UPSTREAM_LOCAL_ADDRESS%',
  downstream_local_address: '%DOWNSTREAM_LOCAL_ADDRESS%',
  downstream_remote_address: '%DOWNSTREAM_REMOTE_ADDRESS%',
  requested_server_name: '%REQUESTED_SERVER_NAME%',
  route_name: '%ROUTE_NAME%',
  upstream_transport_failure_reason: '%UPSTREAM_TRANSPORT_FAILURE_REASON%',
};

export interface MeshTelemetryProps {
  readonly labels: Labels;
  /** Share of requests the proxies trace, 0..1; matches the gateway's own sampler. */
  readonly samplingRatio: number;
  /** Istio's root namespace (meshConfig.rootNamespace). @default istio-system, Istio's default */
  readonly rootNamespace?: string;
}

/**
 * Mesh-wide Istio Telemetry: Prometheus metrics, tracing to Jaeger and Envoy access logs for every
 * proxy, the ingress gateway included, so one trace runs ingress -> gateway -> upstream. Istio
 * applies a Telemetry without selector in the root namespace to every proxy, then lets namespace and
 * workload ones override it (applicableTelemetries in pilot/pkg/model/telemetry.go at 1.29.2); in
 * the gateway's namespace it reached neither the ingress gateway nor the upstreams.
 */
export class MeshTelemetry extends Construct {
  constructor(scope: Construct, id: string, props: MeshTelemetryProps) {
    super(scope, id);
    addObject(
      this,
      'telemetry',
      new Telemetry({
        metadata: { name: 'mesh-default', namespace: props.rootNamespace ?? NAMESPACES.istio, labels: { ...props.labels } },
        spec: {
          metrics: [{ providers: [{ name: MESH_PROVIDERS.metrics }] }],
          tracing: [{ providers: [{ name: MESH_PROVIDERS.tracing }], randomSamplingPercentage: Math.round(props.samplingRatio * 10_000) / 100 }],
          accessLogging: [{ providers: [{ name: MESH_PROVIDERS.accessLog }] }],
        },
      }),
    );
  }
}
