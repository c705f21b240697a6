import { Construct } from 'constructs';
import { Telemetry } from '@kubernetes-models/istio/telemetry.istio.io/v1alpha1/Telemetry';
import { addObject } from '../api-object';
import type { Labels } from '../labels';
import { NAMESPACES } from '../platform-names';

/** Names of the providers configured in Istio's meshConfig `extensionProviders` (set at Istio install). */
export const MESH_PROVIDERS = { metrics: 'prometheus', tracing: 'jaeger', accessLog: 'envoy' } as const;

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
