import { celString, type AdmissionRule, type NamedExpression, type ResourceSelection } from '../admission-rule';

/**
 * Everything that carries a pod template. Argo Rollouts is included because a later issue turns
 * the gateway Deployment into a Rollout; `pods/ephemeralcontainers` because `kubectl debug` adds
 * containers through that subresource, which would otherwise bypass the container rules.
 */
export const POD_WORKLOAD_RESOURCES: readonly ResourceSelection[] = [
  { apiGroups: [''], resources: ['pods', 'pods/ephemeralcontainers'] },
  { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'daemonsets'] },
  { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'] },
  { apiGroups: ['argoproj.io'], resources: ['rollouts'] },
];

/** Workloads expected to run until replaced, so probes make sense (no Jobs or CronJobs). */
export const LONG_RUNNING_RESOURCES: readonly ResourceSelection[] = [
  { apiGroups: [''], resources: ['pods'] },
  { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'daemonsets'] },
  { apiGroups: ['argoproj.io'], resources: ['rollouts'] },
];

/** A Rollout may point at an existing Deployment (`workloadRef`) instead of holding a template; that Deployment is checked itself. */
export const HAS_POD_TEMPLATE: NamedExpression = {
  name: 'has-pod-template',
  expression: "object.kind != 'Rollout' || has(object.spec.template)",
};

/**
 * Pods written by hand and meant to keep running. Run-to-completion Pods are batch work; Pods a
 * controller created (ownerReferences) were checked through their workload, and also carry
 * containers the mesh injected, which the author does not control.
 */
export const AUTHORED_LONG_RUNNING_POD: NamedExpression = {
  name: 'authored-long-running-pod',
  expression:
    "object.kind != 'Pod' || (!has(object.metadata.ownerReferences) && (!has(object.spec.restartPolicy) || object.spec.restartPolicy == 'Always'))",
};

/**
 * Where the pod spec lives per kind, and the container lists derived from it:
 * `containers` (regular), `podContainers` (+ init, the ones that take resources and probes) and
 * `allContainers` (+ ephemeral, for security settings).
 */
export const POD_TEMPLATE_VARIABLES: readonly NamedExpression[] = [
  {
    name: 'subject',
    expression:
      "object.kind + ' ' + (has(object.metadata.namespace) ? object.metadata.namespace + '/' : '') + " +
      "(has(object.metadata.name) ? object.metadata.name : (has(object.metadata.generateName) ? object.metadata.generateName : ''))",
  },
  {
    name: 'podSpec',
    expression:
      "object.kind == 'Pod' ? object.spec : (object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec : object.spec.template.spec)",
  },
  { name: 'containers', expression: 'variables.podSpec.containers' },
  {
    name: 'podContainers',
    expression: 'variables.containers + (has(variables.podSpec.initContainers) ? variables.podSpec.initContainers : [])',
  },
  {
    name: 'allContainers',
    expression:
      'variables.podContainers + (has(variables.podSpec.ephemeralContainers) ? variables.podSpec.ephemeralContainers : [])',
  },
];

/** Path of the pod spec as a person would write it for the kind, for messages. */
export const POD_SPEC_PATH =
  "(object.kind == 'Pod' ? 'spec' : (object.kind == 'CronJob' ? 'spec.jobTemplate.spec.template.spec' : 'spec.template.spec'))";

export type ContainerScope = 'containers' | 'podContainers' | 'allContainers';

export interface ContainerCheck {
  /** Variable that collects the names of failing containers, e.g. `missingRunAsNonRoot`. */
  readonly id: string;
  /** CEL over container `c` that holds when it complies. */
  readonly compliant: string;
  /** Completes "container(s) a, b ...", naming the field, e.g. "do not set securityContext.runAsNonRoot: true". */
  readonly problem: string;
}

/**
 * Validations that name every failing container, so one denial lists them all. `extraVariables`
 * come after the pod-template variables and before the checks (pod-level defaults, say).
 */
export function containerChecks(
  scope: ContainerScope,
  checks: readonly ContainerCheck[],
  extraVariables: readonly NamedExpression[] = [],
): Pick<AdmissionRule, 'variables' | 'validations'> {
  return {
    variables: [
      ...POD_TEMPLATE_VARIABLES,
      ...extraVariables,
      ...checks.map((check) => ({
        name: check.id,
        expression: `variables.${scope}.filter(c, !(${check.compliant})).map(c, c.name)`,
      })),
    ],
    validations: checks.map((check) => ({
      expression: `size(variables.${check.id}) == 0`,
      messageExpression: `variables.subject + ': container(s) ' + variables.${check.id}.join(', ') + ${celString(` ${check.problem}`)}`,
    })),
  };
}
