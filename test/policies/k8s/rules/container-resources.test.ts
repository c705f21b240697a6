import { admit, compliantObject, violationsOf } from '../policy-fixtures';

describe('container-resources', () => {
  it('passes when every container and init container requests CPU and memory and caps memory', () => {
    expect(violationsOf(admit('container-resources', compliantObject('dev', 'Deployment/observability/grafana')))).toEqual([]);
  });

  it('names each missing field and the container', () => {
    const grafana = compliantObject('dev', 'Deployment/observability/grafana');
    delete grafana.spec.template.spec.initContainers[0].resources.limits;
    delete grafana.spec.template.spec.containers[0].resources.requests.cpu;
    expect(violationsOf(admit('container-resources', grafana))).toEqual([
      'Deployment observability/grafana: container(s) grafana set no resources.requests.cpu',
      'Deployment observability/grafana: container(s) provision set no resources.limits.memory',
    ]);
  });

  it('does not ask ephemeral containers for resources, which the API forbids on them', () => {
    const grafana = compliantObject('dev', 'Deployment/observability/grafana');
    grafana.spec.template.spec.ephemeralContainers = [{ name: 'debugger', image: 'r/d:1' }];
    expect(violationsOf(admit('container-resources', grafana))).toEqual([]);
  });
});
