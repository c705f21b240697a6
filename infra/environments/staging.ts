import { defineEnvironment } from './defaults';
import type { EnvironmentOverrides } from './types';

/** Staging: prod's shape at smaller bounds; releases rehearse on a 10 % canary first. */
export const stagingOverrides: EnvironmentOverrides = {
  name: 'staging',
  ingress: { hosts: ['api.staging.uag.example.com'], tlsCredentialName: 'uag-staging-tls' },
  gateway: {
    autoscaling: { maxReplicas: 6 },
    // Route changes reach staging the way they reach prod, so the reload is rehearsed before prod.
    routeChanges: 'reload',
  },
  rollout: {
    strategy: {
      type: 'canary',
      stages: [
        { weightPercent: 10, analysis: true },
        { weightPercent: 50, analysis: true },
      ],
    },
  },
  faultInjection: { enabled: true, delayPercent: 1, fixedDelay: '1s' },
  // Two adapter pods, as in prod: staging rehearses prod's node drains and upgrades.
  observability: { traceSamplingRatio: 0.5, prometheusAdapterReplicas: 2, prometheusStorage: { type: 'persistent', volumeSize: '20Gi' } },
};

export const staging = defineEnvironment(stagingOverrides);
