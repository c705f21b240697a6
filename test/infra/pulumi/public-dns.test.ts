import { certManagerPolicy, clusterIssuer, externalDnsPolicy, ingressCertificate } from '../../../infra/pulumi/public-dns';

const ARGS = { domain: 'api.example.org', hostedZoneId: 'Z0123456789ABCDEFGHIJ', region: 'eu-west-1', ownerId: 'uag-prod' };
const ZONE = 'arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ';

describe('the public name of an AWS stack', () => {
  it('lets cert-manager change only the TXT record of the domain\'s ACME challenge, in the stack\'s zone', () => {
    const [change, ...others] = certManagerPolicy(ARGS).Statement;
    expect(change).toEqual({
      Effect: 'Allow',
      Action: 'route53:ChangeResourceRecordSets',
      Resource: ZONE,
      Condition: { 'ForAllValues:StringEquals': { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['_acme-challenge.api.example.org'], 'route53:ChangeResourceRecordSetsRecordTypes': ['TXT'] } },
    });
    expect(others).toEqual([{ Effect: 'Allow', Action: 'route53:GetChange', Resource: 'arn:aws:route53:::change/*' }]);
  });

  it('lets ExternalDNS change and read records of the stack\'s zone only', () => {
    const statements = externalDnsPolicy(ARGS).Statement;
    const writes = statements.filter((statement) => ([] as string[]).concat(statement.Action).some((action) => action !== 'route53:ListHostedZones'));
    expect(writes.map((statement) => statement.Resource)).toEqual([ZONE]);
  });

  it('issues the ingress certificate into the Secret the Gateway serves, from an ACME DNS-01 issuer in the same zone, as valid cert-manager objects', () => {
    const issuer = clusterIssuer(ARGS);
    issuer.validate();
    expect(issuer.spec?.acme?.solvers).toEqual([{ selector: { dnsZones: ['api.example.org'] }, dns01: { route53: { region: 'eu-west-1', hostedZoneID: 'Z0123456789ABCDEFGHIJ' } } }]);
    const certificate = ingressCertificate({ domain: 'api.example.org', namespace: 'istio-system', secretName: 'uag-prod-tls' });
    certificate.validate();
    expect(certificate.spec).toMatchObject({ secretName: 'uag-prod-tls', dnsNames: ['api.example.org'], issuerRef: { kind: 'ClusterIssuer', name: issuer.metadata?.name } });
  });
});
