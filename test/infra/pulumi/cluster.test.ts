import { endpointAccess, kubeconfig } from '../../../infra/pulumi/cluster';

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
