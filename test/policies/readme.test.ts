import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLOUD_POLICIES } from '../../policies/cloud/policies';
import { allRuleNames } from '../../policies/k8s/evaluate-manifests';

const README = readFileSync(join(__dirname, '..', '..', 'policies', 'README.md'), 'utf8');

describe('policies/README.md', () => {
  it.each(allRuleNames())('documents the Kubernetes rule %s in its table', (rule) => {
    expect(README).toContain(`| \`${rule}\` |`);
  });

  it.each(CLOUD_POLICIES.map((policy) => policy.name))('documents the cloud policy %s in its table', (policy) => {
    expect(README).toContain(`| \`${policy}\` |`);
  });
});
