import type { AdmissionRule } from '../admission-rule';
import { HAS_POD_TEMPLATE, POD_WORKLOAD_RESOURCES, containerChecks } from './pod-template';

/** Ephemeral containers are left out: the API forbids resources on them. */
export const CONTAINER_RESOURCES_RULE: AdmissionRule = {
  name: 'container-resources',
  description: 'Containers request CPU and memory and cap memory, so scheduling and eviction are predictable.',
  fix: 'set resources.requests.cpu, resources.requests.memory and resources.limits.memory on each container and init container',
  resources: POD_WORKLOAD_RESOURCES,
  matchConditions: [HAS_POD_TEMPLATE],
  ...containerChecks('podContainers', [
    {
      id: 'missingCpuRequest',
      compliant: "has(c.resources) && has(c.resources.requests) && 'cpu' in c.resources.requests",
      problem: 'set no resources.requests.cpu',
    },
    {
      id: 'missingMemoryRequest',
      compliant: "has(c.resources) && has(c.resources.requests) && 'memory' in c.resources.requests",
      problem: 'set no resources.requests.memory',
    },
    {
      id: 'missingMemoryLimit',
      compliant: "has(c.resources) && has(c.resources.limits) && 'memory' in c.resources.limits",
      problem: 'set no resources.limits.memory',
    },
  ]),
};
