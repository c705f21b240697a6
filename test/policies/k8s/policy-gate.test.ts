import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readManifestTree } from '../../../policies/k8s/manifest-tree';
import { assertPoliciesHold, PolicyViolationError, repositoryPolicyOptions } from '../../../policies/k8s/policy-gate';
import { COMPLIANT_TREE, VIOLATIONS_TREE } from './policy-fixtures';

describe('assertPoliciesHold', () => {
  it('returns the report when every rule holds', () => {
    expect(assertPoliciesHold(readManifestTree(COMPLIANT_TREE), {}).failed).toBe(false);
  });

  it('throws the table of problems, leaving out passing rows', () => {
    let thrown: unknown;
    try {
      assertPoliciesHold(readManifestTree(VIOLATIONS_TREE), {});
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PolicyViolationError);
    const message = (thrown as PolicyViolationError).message;
    expect(message).toMatch(/^synthesized manifests break platform policies:\nENVIRONMENT +OBJECT/);
    expect(message).toContain('Secret/shop/db-password');
    expect(message).not.toMatch(/ pass /);
  });
});

describe('repositoryPolicyOptions', () => {
  it('loads policies/exceptions.yaml under the given root, or none when it is absent', () => {
    const root = mkdtempSync(join(tmpdir(), 'policy-repo-'));
    expect(repositoryPolicyOptions(root)).toEqual({ exceptions: [], auditedNamespaces: [] });
    mkdirSync(join(root, 'policies'));
    const entry = { object: 'Secret/shop/db-password', rule: 'no-secret-data', reason: 'rotated tomorrow, approved by the lead', expiry: '2099-01-01' };
    const audited = { namespace: 'istio-system', reason: 'upstream chart, approved by the lead' };
    writeFileSync(join(root, 'policies', 'exceptions.yaml'), `exceptions:\n  - ${JSON.stringify(entry)}\nauditedNamespaces:\n  - ${JSON.stringify(audited)}\n`);
    expect(repositoryPolicyOptions(root)).toEqual({ exceptions: [entry], auditedNamespaces: ['istio-system'] });
  });
});
