import { containerResources, cpuOf, sizeOf } from '../../../infra/k8s/quantity';

describe('cdk8s-plus quantities', () => {
  it('keeps CPU as written, millicores taken from the digits (570m is not 570.0000000000001m)', () => {
    expect(['250m', '570m', '1', '1.5'].map((q) => cpuOf(q).amount)).toEqual(['250m', '570m', '1', '1.5']);
    expect(() => cpuOf('half')).toThrow(`CPU quantity 'half' must look like '500m' or '2'`);
  });

  it('turns memory into whole MiB and claims into whole GiB, and refuses what cdk8s-plus would have to round', () => {
    expect(sizeOf('512Mi', 'Mi').toMebibytes()).toBe(512);
    expect(sizeOf('1Gi', 'Mi').toMebibytes()).toBe(1024);
    expect(sizeOf('20Gi', 'Gi').toGibibytes()).toBe(20);
    expect(() => sizeOf('100Ki', 'Mi')).toThrow(`quantity '100Ki' must be a positive whole number of Mi: cdk8s-plus renders it in Mi`);
    expect(() => sizeOf('1G', 'Mi')).toThrow(`quantity '1G' must be a positive whole number of Mi: cdk8s-plus renders it in Mi`);
    expect(() => sizeOf('512Mi', 'Gi')).toThrow(`quantity '512Mi' must be a positive whole number of Gi: cdk8s-plus renders it in Gi`);
  });

  it('states every request and limit, so none of cdk8s-plus’s defaults (1000m/512Mi requested) is left', () => {
    const resources = containerResources({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '2Gi' } });
    expect([resources.cpu?.request?.amount, resources.cpu?.limit?.amount, resources.memory?.request?.toMebibytes(), resources.memory?.limit?.toMebibytes()]).toEqual(['100m', '1', 128, 2048]);
  });
});
