import { additionalAdmins, endpointAccess, kubeconfig, withoutRolePath } from '../../../infra/pulumi/cluster';

describe('endpointAccess', () => {
  it('keeps the private endpoint always and the public one only with CIDRs', () => {
    expect(endpointAccess({ publicEndpoint: false, publicAccessCidrs: [] })).toEqual({ endpointPrivateAccess: true, endpointPublicAccess: false });
    expect(endpointAccess({ publicEndpoint: true, publicAccessCidrs: ['203.0.113.0/24'] })).toEqual({ endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ['203.0.113.0/24'] });
  });

  it('rejects contradicting settings up front, saying how to fix them', () => {
    expect(() => endpointAccess({ publicEndpoint: true, publicAccessCidrs: [] })).toThrow(
      "Cluster: 'publicEndpoint' is true but 'publicAccessCidrs' is empty; list the CIDRs that may reach the API, or set 'publicEndpoint' false",
    );
    expect(() => endpointAccess({ publicEndpoint: false, publicAccessCidrs: ['203.0.113.0/24'] })).toThrow(
      "Cluster: 'publicAccessCidrs' (203.0.113.0/24) has no effect with 'publicEndpoint' false; remove them or make the endpoint public",
    );
  });
});

describe('kubeconfig', () => {
  it('authenticates through aws eks get-token for the cluster and region', () => {
    const config = JSON.parse(kubeconfig('uag-prod', 'https://eks.test', 'Y2E=', 'eu-west-1'));
    expect(config.clusters[0].cluster).toEqual({ server: 'https://eks.test', 'certificate-authority-data': 'Y2E=' });
    expect(config.users[0].user.exec.args).toEqual(['eks', 'get-token', '--cluster-name', 'uag-prod', '--region', 'eu-west-1', '--output', 'json']);
    expect(config['current-context']).toBe('uag-prod');
  });
});

describe('kubeconfig with an AWS profile', () => {
  it('requests the token with the profile the AWS provider uses (regression: aws:profile was ignored)', () => {
    const config = JSON.parse(kubeconfig('uag-dev', 'https://eks.test', 'Y2E=', 'eu-west-1', 'uag-dev'));
    expect(config.users[0].user.exec.env).toEqual([{ name: 'AWS_PROFILE', value: 'uag-dev' }]);
    expect(JSON.parse(kubeconfig('uag-dev', 'https://eks.test', 'Y2E=', 'eu-west-1')).users[0].user.exec.env).toBeUndefined();
  });
});

describe('additionalAdmins', () => {
  const creator = 'arn:aws:iam::123456789012:role/teams/platform-admin';

  it('leaves out the principal that creates the cluster, path or not (regression: its second access entry failed with 409)', () => {
    expect(additionalAdmins(['arn:aws:iam::123456789012:role/platform-admin', 'arn:aws:iam::123456789012:role/on-call'], creator)).toEqual([
      'arn:aws:iam::123456789012:role/on-call',
    ]);
    expect(additionalAdmins(['arn:aws:iam::123456789012:user/alice'], 'arn:aws:iam::123456789012:user/alice')).toEqual([]);
    expect(additionalAdmins(['arn:aws:iam::123456789012:role/on-call'], undefined)).toEqual(['arn:aws:iam::123456789012:role/on-call']);
  });

  it('compares roles without their path and leaves other ARNs alone', () => {
    expect(withoutRolePath(creator)).toBe('arn:aws:iam::123456789012:role/platform-admin');
    expect(withoutRolePath('arn:aws:iam::123456789012:user/ops/alice')).toBe('arn:aws:iam::123456789012:user/ops/alice');
  });
});
