import { celString, type AdmissionRule, type RuleValidation } from '../admission-rule';
import { HAS_POD_TEMPLATE, POD_SPEC_PATH, POD_TEMPLATE_VARIABLES, POD_WORKLOAD_RESOURCES } from './pod-template';

export const NO_HOST_PATH_RULE: AdmissionRule = {
  name: 'no-host-path',
  description: "Pods do not mount the node's filesystem.",
  fix: 'replace hostPath volumes with emptyDir, configMap, secret or a PersistentVolumeClaim',
  resources: POD_WORKLOAD_RESOURCES,
  matchConditions: [HAS_POD_TEMPLATE],
  variables: [
    ...POD_TEMPLATE_VARIABLES,
    {
      name: 'hostPathVolumes',
      expression: 'has(variables.podSpec.volumes) ? variables.podSpec.volumes.filter(v, has(v.hostPath)).map(v, v.name) : []',
    },
  ],
  validations: [
    {
      expression: 'size(variables.hostPathVolumes) == 0',
      messageExpression: `variables.subject + ': volume(s) ' + variables.hostPathVolumes.join(', ') + ' in ' + ${POD_SPEC_PATH} + '.volumes use hostPath'`,
    },
  ],
};

function hostNamespaceOff(field: string): RuleValidation {
  return {
    expression: `!has(variables.podSpec.${field}) || variables.podSpec.${field} == false`,
    messageExpression: `variables.subject + ': ' + ${POD_SPEC_PATH} + ${celString(`.${field} is true`)}`,
  };
}

/** hostIPC is the third host namespace; refusing it costs nothing and closes the same hole. */
export const NO_HOST_NAMESPACES_RULE: AdmissionRule = {
  name: 'no-host-namespaces',
  description: "Pods do not share the node's network, PID or IPC namespace.",
  fix: 'remove hostNetwork, hostPID and hostIPC from the pod spec (or set them to false)',
  resources: POD_WORKLOAD_RESOURCES,
  matchConditions: [HAS_POD_TEMPLATE],
  variables: POD_TEMPLATE_VARIABLES,
  validations: ['hostNetwork', 'hostPID', 'hostIPC'].map(hostNamespaceOff),
};
