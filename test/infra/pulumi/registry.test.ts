import { buildPaths } from '../../../infra/pulumi/gateway-image';
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

describe('buildPaths', () => {
  it('names the context and Dockerfile relative to where pulumi up runs, the same on every machine (regression: absolute paths rebuilt an existing tag)', () => {
    expect(buildPaths('/home/alice/uag', '/home/alice/uag')).toEqual({ context: '.', dockerfile: 'app/Dockerfile' });
    expect(buildPaths('/srv/ci/checkout/uag', '/srv/ci/checkout/uag')).toEqual({ context: '.', dockerfile: 'app/Dockerfile' });
    expect(buildPaths('/srv/uag/infra/pulumi', '/srv/uag')).toEqual({ context: '../..', dockerfile: '../../app/Dockerfile' });
  });
});
