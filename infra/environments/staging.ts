import { defineEnvironment } from './defaults';
import type { EnvironmentOverrides } from './types';

/** Staging: prod's shape at smaller bounds; a 10 % canary split rehearses releases. */
export const stagingOverrides: EnvironmentOverrides = {
  name: 'staging',
  ingress: { hosts: ['api.staging.uag.example.com'], tlsCredentialName: 'uag-staging-tls' },
  gateway: { autoscaling: { maxReplicas: 6 } },
  canary: { weightPercent: 10 },
  faultInjection: { enabled: true, delayPercent: 1, fixedDelay: '1s' },
  observability: { traceSamplingRatio: 0.5 },
};

export const staging = defineEnvironment(stagingOverrides);
