import { defineEnvironment } from './defaults';
import type { EnvironmentOverrides } from './types';

/**
 * Prod: long-lived game and client connections get up to an hour to close on shutdown (the
 * pod's grace period becomes 3600 s), traces are sampled, and traces are kept on disk.
 */
export const prodOverrides: EnvironmentOverrides = {
  name: 'prod',
  ingress: { hosts: ['api.uag.example.com'], tlsCredentialName: 'uag-prod-tls' },
  gateway: {
    shutdownTimeoutMs: 3_590_000,
    drainDelayMs: 10_000,
    logLevel: 'warn',
  },
  alerts: { errorRatio: 0.02 },
  observability: {
    prometheusReplicas: 2,
    prometheusRetention: '15d',
    alertmanagerReplicas: 3,
    traceSamplingRatio: 0.1,
    traceStorage: { type: 'badger', volumeSize: '50Gi', retention: '168h' },
  },
};

export const prod = defineEnvironment(prodOverrides);
