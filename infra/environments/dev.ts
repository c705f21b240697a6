import { defineEnvironment } from './defaults';
import type { EnvironmentOverrides } from './types';

/**
 * Dev: one replica, verbose logs, every trace kept, fault injection on to exercise retries; a new
 * version goes to half the traffic for one short analysis, then all of it, and anyone may try it
 * first with the preview header.
 */
export const devOverrides: EnvironmentOverrides = {
  name: 'dev',
  ingress: { hosts: ['api.dev.uag.example.com'], tlsCredentialName: 'uag-dev-tls' },
  gateway: {
    autoscaling: { minReplicas: 1, maxReplicas: 3 },
    minAvailable: 0,
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
    logLevel: 'debug',
    // Route edits land in seconds; a canary per edit would only slow developers down.
    routeChanges: 'reload',
  },
  faultInjection: { enabled: true, delayPercent: 5, fixedDelay: '2s' },
  slo: { availability: 0.99, latency: { thresholdSeconds: 1, objective: 0.95 } },
  rollout: {
    strategy: { type: 'canary', stages: [{ weightPercent: 50, analysis: true }] },
    // Dev serves developers only: anyone may try the new version by header.
    previewTesterCidrs: ['0.0.0.0/0', '::/0'],
    analysis: { interval: '30s', count: 2, window: '1m', maxLatencyP95Seconds: 1 },
  },
};

export const dev = defineEnvironment(devOverrides);
