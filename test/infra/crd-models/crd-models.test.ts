import { CLOUD_ENVIRONMENT_NAMES, CLOUD_ENVIRONMENTS } from '../../../infra/pulumi/cloud-environments';
import { clusterSecretStore, externalSecret } from '../../../infra/pulumi/external-secrets';
import { ec2NodeClass, nodePool } from '../../../infra/pulumi/karpenter';
import { validateManifest } from '../../../infra/synth/validate-manifests';

/** A copy of `object` with `change` applied to it, for one wrong field at a time. */
function changed<T>(object: T, change: (copy: any) => void): T {
  const copy = structuredClone(object);
  change(copy);
  return copy;
}

describe('the CRD models of the objects the Pulumi program writes', () => {
  const pool = nodePool(CLOUD_ENVIRONMENTS.prod.nodeAutoscaling);
  const nodeClass = ec2NodeClass({ clusterName: 'uag-prod', volumeGiB: 80 });
  const store = clusterSecretStore({ region: 'eu-west-1', prefix: 'uag/prod/', namespaces: ['gateway', 'observability'] });
  const secret = externalSecret({ namespace: 'gateway', name: 'gateway-environment' });

  it.each(CLOUD_ENVIRONMENT_NAMES)('knows the Karpenter and External Secrets kinds, and the %s objects match them (regression: the validator had no schema for them)', (environment) => {
    for (const object of [nodePool(CLOUD_ENVIRONMENTS[environment].nodeAutoscaling), nodeClass, store, secret]) expect(validateManifest(object)).toEqual([]);
  });

  it('rejects a misspelt field, naming it and the CRD', () => {
    const problems = validateManifest(changed(pool, (copy) => (copy.spec.disruption.consolidateAftr = '5m')));
    expect(problems).toEqual([expect.stringMatching(/^NodePool default: spec\.disruption: .*consolidateAftr; the NodePool CRD has no such field/)]);
    expect(validateManifest(changed(secret, (copy) => (copy.spec.target.creationPolcy = 'Owner')))).toEqual([expect.stringContaining('creationPolcy')]);
  });

  it('rejects values outside the CRD’s enums and patterns, with the value given', () => {
    expect(validateManifest(changed(pool, (copy) => (copy.spec.disruption.consolidationPolicy = 'WhenUnderutilized')))).toEqual([expect.stringContaining('spec.disruption.consolidationPolicy')]);
    expect(validateManifest(changed(pool, (copy) => (copy.spec.limits.memory = '192 GiB')))).toEqual([expect.stringContaining('(got "192 GiB")')]);
    expect(validateManifest(changed(nodeClass, (copy) => (copy.spec.amiSelectorTerms = [{ alias: 'ubuntu@latest' }])))).toEqual([expect.stringContaining('family must be one of')]);
    expect(validateManifest(changed(store, (copy) => (copy.spec.provider.aws.service = 'SecretManager')))).toEqual([expect.stringContaining('spec.provider.aws.service')]);
  });

  it('applies the CRDs’ cross-field rules the program relies on', () => {
    expect(validateManifest(changed(pool, (copy) => delete copy.spec.disruption.budgets[1].duration))).toEqual([expect.stringContaining('schedule and duration are set together')]);
    expect(validateManifest(changed(nodeClass, (copy) => (copy.spec.role = 'KarpenterNodeRole')))).toEqual([expect.stringContaining("exactly one of 'role' and 'instanceProfile'")]);
    expect(validateManifest(changed(nodeClass, (copy) => (copy.spec.tags = { 'karpenter.sh/nodepool': 'x' })))).toEqual([expect.stringContaining('names a tag Karpenter sets itself')]);
    expect(validateManifest(changed(pool, (copy) => (copy.spec.template.spec.requirements[0].values = []))))
      .toEqual([expect.stringContaining("operator 'In' needs at least one value")]);
  });

  it('refuses to build an object that does not match, naming every problem', () => {
    expect(() => nodePool({ ...CLOUD_ENVIRONMENTS.dev.nodeAutoscaling, consolidateAfter: '5 minutes' })).toThrow(/NodePool default does not match the .*karpenter\.sh_nodepools\.yaml schema:\n {2}spec\.disruption\.consolidateAfter: must be a duration/);
  });
});
