import { defineEnvironment } from './defaults';
import type { EnvironmentOverrides } from './types';

/** Dev: one replica, verbose logs, every trace kept, fault injection on to exercise retries. */
export const devOverrides: EnvironmentOverrides = {
  name: 'dev',
  ingress: { hosts: ['api.dev.uag.example.com'], tlsCredentialName: 'uag-dev-tls' },
  gateway: {
    replicas: 1,
    autoscaling: { minReplicas: 1, maxReplicas: 3 },
    minAvailable: 0,
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
    logLevel: 'debug',
  },
  faultInjection: { enabled: true, delayPercent: 5, fixedDelay: '2s' },
  alerts: { latencyP95Seconds: 1 },
};

export const dev = defineEnvironment(devOverrides);
