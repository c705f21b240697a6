import type { AdmissionRule } from '../admission-rule';
import { HAS_POD_TEMPLATE, LONG_RUNNING_RESOURCES, RESTARTS_ALWAYS, containerChecks } from './pod-template';

/** Regular containers only: init containers run to completion and ephemeral ones cannot have probes. */
export const HEALTH_PROBES_RULE: AdmissionRule = {
  name: 'health-probes',
  description: 'Long-running containers declare liveness and readiness probes.',
  fix: 'add livenessProbe and readinessProbe to each container (httpGet on the admin port for the gateway)',
  resources: LONG_RUNNING_RESOURCES,
  matchConditions: [HAS_POD_TEMPLATE, RESTARTS_ALWAYS],
  ...containerChecks('containers', [
    { id: 'missingLivenessProbe', compliant: 'has(c.livenessProbe)', problem: 'have no livenessProbe' },
    { id: 'missingReadinessProbe', compliant: 'has(c.readinessProbe)', problem: 'have no readinessProbe' },
  ]),
};
