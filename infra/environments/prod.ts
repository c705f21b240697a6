import { defineEnvironment } from './defaults';
import type { EnvironmentOverrides } from './types';

/**
 * Prod: long-lived game and client connections get up to an hour to close on shutdown (the
 * pod's grace period becomes 3600 s), traces are sampled, and traces are kept on disk. A new
 * version is previewed by header for 10 minutes, then climbs 10 -> 25 -> 50 -> 100 % with an
 * analysis at each stage, soaking between stages and waiting for a human before half the traffic;
 * it is held to stricter thresholds and aborts on the first failed measurement.
 */
export const prodOverrides: EnvironmentOverrides = {
  name: 'prod',
  ingress: { hosts: ['api.uag.example.com'], tlsCredentialName: 'uag-prod-tls' },
  gateway: {
    shutdownTimeoutMs: 3_590_000,
    drainDelayMs: 10_000,
    logLevel: 'warn',
    // Game and WebSocket clients stay connected for up to an hour: a rollout per route edit would end
    // every one of them, on every route. The table is validated at synth and again by each pod, which
    // keeps its table and alerts (GatewayRouteTableRejected) rather than apply one it cannot.
    routeChanges: 'reload',
  },
  slo: { availability: 0.999 },
  rollout: {
    strategy: {
      type: 'canary',
      previewPause: '10m',
      stages: [
        { weightPercent: 10, analysis: true, pause: '5m' },
        { weightPercent: 25, analysis: true, pause: 'manual' },
        { weightPercent: 50, analysis: true, pause: '10m' },
        { weightPercent: 100, analysis: true },
      ],
    },
    previewReplicas: 2,
    analysis: { count: 5, failureLimit: 0, maxErrorRatio: 0.01, minRequests: 200 },
  },
  observability: {
    prometheusReplicas: 2,
    prometheusAdapterReplicas: 2,
    prometheusRetention: '15d',
    prometheusStorage: { type: 'persistent', volumeSize: '50Gi' },
    alertmanagerReplicas: 3,
    traceSamplingRatio: 0.1,
    traceStorage: { type: 'badger', volumeSize: '50Gi', retention: '168h' },
  },
};

export const prod = defineEnvironment(prodOverrides);
