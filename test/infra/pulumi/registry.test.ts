import { pinnedReference } from '../../../infra/pulumi/gateway-image';
import { lifecyclePolicy } from '../../../infra/pulumi/registry';

describe('lifecyclePolicy', () => {
  it('expires untagged images first, then all but the newest N', () => {
    const { rules } = JSON.parse(lifecyclePolicy(30, 7));
    expect(rules.map((rule: { rulePriority: number; selection: object }) => [rule.rulePriority, rule.selection])).toEqual([
      [1, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 }],
      [2, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 30 }],
    ]);
  });

  it('refuses to keep no images', () => {
    expect(() => lifecyclePolicy(0, 7)).toThrow("Registry: 'retainedImages' (0) must be a whole number of at least 1, or the running image could expire");
  });
});

describe('pinnedReference', () => {
  it('pins the repository to the pushed digest and refuses anything else', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(pinnedReference('r.test/uag-gateway', digest)).toBe(`r.test/uag-gateway@${digest}`);
    expect(() => pinnedReference('r.test/uag-gateway', '')).toThrow("GatewayImage: the registry returned no sha256 digest for r.test/uag-gateway (got '')");
  });
});
