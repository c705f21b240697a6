import { launchTemplateArgs, nodeGroupPlans } from '../../../infra/pulumi/node-groups';

const base = { minSize: 1, desiredSize: 2, maxSize: 3, capacity: 'on-demand' as const, instanceTypes: ['m6i.large'], subnetIds: ['a', 'b', 'c'] };

describe('nodeGroupPlans', () => {
  it('makes one group per zone or one across zones', () => {
    expect(nodeGroupPlans({ ...base, onePerZone: true })).toEqual([
      { suffix: 'zone-0', subnetIds: ['a'] },
      { suffix: 'zone-1', subnetIds: ['b'] },
      { suffix: 'zone-2', subnetIds: ['c'] },
    ]);
    expect(nodeGroupPlans({ ...base, onePerZone: false })).toEqual([{ suffix: 'all-zones', subnetIds: ['a', 'b', 'c'] }]);
  });

  it('rejects inconsistent sizes and single-type spot groups, naming the props', () => {
    expect(() => nodeGroupPlans({ ...base, onePerZone: false, desiredSize: 5 })).toThrow("NodeGroups: sizes must satisfy 'minSize' (1) <= 'desiredSize' (5) <= 'maxSize' (3)");
    expect(() => nodeGroupPlans({ ...base, onePerZone: false, capacity: 'spot' })).toThrow(
      'NodeGroups: spot capacity with one instance type (m6i.large) empties the group when that type is reclaimed; list two or more',
    );
  });
});

describe('launchTemplateArgs', () => {
  it('requires IMDSv2 with a hop limit of 1 and an encrypted gp3 root volume', () => {
    expect(launchTemplateArgs(50)).toMatchObject({
      metadataOptions: { httpTokens: 'required', httpPutResponseHopLimit: 1 },
      blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeSize: 50, volumeType: 'gp3', encrypted: 'true' } }],
    });
  });
});
