import type { AdmissionRule, NamedExpression } from '../admission-rule';
import { HAS_POD_TEMPLATE, POD_WORKLOAD_RESOURCES, containerChecks } from './pod-template';

/** Pod-level securityContext, or an empty map so `has()` works on it either way. */
const POD_SECURITY_CONTEXT: NamedExpression = {
  name: 'podSecurityContext',
  expression: 'has(variables.podSpec.securityContext) ? variables.podSpec.securityContext : {}',
};

/** Container settings override the pod's; these read the container's value first. */
function containerOrPod(field: string, compliantValue: string): string {
  return (
    `(has(c.securityContext) && has(c.securityContext.${field})) ? c.securityContext.${field}${compliantValue} : ` +
    `(has(variables.podSecurityContext.${field}) && variables.podSecurityContext.${field}${compliantValue})`
  );
}

const runAsNonRoot: AdmissionRule = {
  name: 'run-as-non-root',
  description: 'Containers run as a non-root user.',
  fix: 'set securityContext.runAsNonRoot: true on the pod or on each container (and a non-zero runAsUser)',
  resources: POD_WORKLOAD_RESOURCES,
  matchConditions: [HAS_POD_TEMPLATE],
  ...containerChecks(
    'allContainers',
    [
      {
        id: 'rootContainers',
        compliant: containerOrPod('runAsNonRoot', ' == true'),
        problem: 'may run as root: securityContext.runAsNonRoot is not true on the container or the pod',
      },
    ],
    [POD_SECURITY_CONTEXT],
  ),
};

/** A rule that every container sets one securityContext flag to a fixed value, which has no pod-level default. */
function containerFlagRule(rule: Pick<AdmissionRule, 'name' | 'description' | 'fix'> & { id: string; field: string; value: boolean }): AdmissionRule {
  const field = `securityContext.${rule.field}`;
  return {
    name: rule.name,
    description: rule.description,
    fix: rule.fix,
    resources: POD_WORKLOAD_RESOURCES,
    matchConditions: [HAS_POD_TEMPLATE],
    ...containerChecks('allContainers', [
      {
        id: rule.id,
        compliant: `has(c.securityContext) && has(c.${field}) && c.${field} == ${rule.value}`,
        problem: `do not set ${field}: ${rule.value}`,
      },
    ]),
  };
}

const noPrivilegeEscalation = containerFlagRule({
  name: 'no-privilege-escalation',
  description: 'Containers cannot gain more privileges than their parent process.',
  fix: 'set securityContext.allowPrivilegeEscalation: false on each container',
  id: 'escalatingContainers',
  field: 'allowPrivilegeEscalation',
  value: false,
});

const readOnlyRootFilesystem = containerFlagRule({
  name: 'read-only-root-filesystem',
  description: "Containers cannot write to their image's filesystem.",
  fix: 'set securityContext.readOnlyRootFilesystem: true on each container and mount an emptyDir where it must write',
  id: 'writableContainers',
  field: 'readOnlyRootFilesystem',
  value: true,
});

const dropAllCapabilities: AdmissionRule = {
  name: 'drop-all-capabilities',
  description: 'Containers drop every Linux capability.',
  fix: 'set securityContext.capabilities.drop: [ALL] on each container',
  resources: POD_WORKLOAD_RESOURCES,
  matchConditions: [HAS_POD_TEMPLATE],
  ...containerChecks('allContainers', [
    {
      id: 'capableContainers',
      compliant:
        "has(c.securityContext) && has(c.securityContext.capabilities) && has(c.securityContext.capabilities.drop) && c.securityContext.capabilities.drop.exists(d, d == 'ALL')",
      problem: 'do not list ALL in securityContext.capabilities.drop',
    },
  ]),
};

const seccompRuntimeDefault: AdmissionRule = {
  name: 'seccomp-runtime-default',
  description: "Containers run under the container runtime's default seccomp profile.",
  fix: 'set securityContext.seccompProfile.type: RuntimeDefault on the pod (or on each container)',
  resources: POD_WORKLOAD_RESOURCES,
  matchConditions: [HAS_POD_TEMPLATE],
  ...containerChecks(
    'allContainers',
    [
      {
        id: 'unconfinedContainers',
        compliant: containerOrPod('seccompProfile', ".type == 'RuntimeDefault'"),
        problem: 'have no securityContext.seccompProfile.type: RuntimeDefault on the container or the pod',
      },
    ],
    [POD_SECURITY_CONTEXT],
  ),
};

export const POD_SECURITY_CONTEXT_RULES: readonly AdmissionRule[] = [
  runAsNonRoot,
  noPrivilegeEscalation,
  readOnlyRootFilesystem,
  dropAllCapabilities,
  seccompRuntimeDefault,
];
