import type { AdmissionRule } from '../admission-rule';
import { HAS_POD_TEMPLATE, LONG_RUNNING_RESOURCES, AUTHORED_LONG_RUNNING_POD, containerChecks } from './pod-template';

/**
 * Regular containers only: init containers run to completion and ephemeral ones cannot have probes.
 * Istio injects its sidecar without a liveness probe, hence the workload-level check rather than
 * one on the Pods controllers create.
 */
export const HEALTH_PROBES_RULE: AdmissionRule = {
  name: 'health-probes',
  description: 'Long-running containers declare liveness and readiness probes.',
  fix: 'add livenessProbe and readinessProbe to each container (httpGet on the admin port for the gateway)',
  resources: LONG_RUNNING_RESOURCES,
  matchConditions: [HAS_POD_TEMPLATE, AUTHORED_LONG_RUNNING_POD],
  ...containerChecks('containers', [
    { id: 'missingLivenessProbe', compliant: 'has(c.livenessProbe)', problem: 'have no livenessProbe' },
    { id: 'missingReadinessProbe', compliant: 'has(c.readinessProbe)', problem: 'have no readinessProbe' },
  ]),
};
