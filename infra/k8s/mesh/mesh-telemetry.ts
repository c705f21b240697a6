import { Construct } from 'constructs';
import { Telemetry } from '@kubernetes-models/istio/telemetry.istio.io/v1alpha1/Telemetry';
import { addObject } from '../api-object';
import type { Labels } from '../labels';

/** Names of the providers configured in Istio's meshConfig `extensionProviders` (set at Istio install). */
export const MESH_PROVIDERS = { metrics: 'prometheus', tracing: 'jaeger', accessLog: 'envoy' } as const;

export interface MeshTelemetryProps {
  readonly namespace: string;
  readonly labels: Labels;
  /** Share of requests the sidecars trace, 0..1; matches the gateway's own sampler. */
  readonly samplingRatio: number;
}

/** Namespace-wide Istio Telemetry: Prometheus metrics, tracing to Jaeger, and Envoy access logs. */
export class MeshTelemetry extends Construct {
  constructor(scope: Construct, id: string, props: MeshTelemetryProps) {
    super(scope, id);
    addObject(
      this,
      'telemetry',
      new Telemetry({
        metadata: { name: 'mesh-default', namespace: props.namespace, labels: { ...props.labels } },
        spec: {
          metrics: [{ providers: [{ name: MESH_PROVIDERS.metrics }] }],
          tracing: [{ providers: [{ name: MESH_PROVIDERS.tracing }], randomSamplingPercentage: Math.round(props.samplingRatio * 10_000) / 100 }],
          accessLogging: [{ providers: [{ name: MESH_PROVIDERS.accessLog }] }],
        },
      }),
    );
  }
}
