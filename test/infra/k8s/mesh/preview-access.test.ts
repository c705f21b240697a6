import { join } from 'node:path';
import { ENVIRONMENTS, ENVIRONMENT_NAMES, ENVIRONMENT_OVERRIDES, defineEnvironment } from '../../../../infra/environments';
import { PreviewAccess } from '../../../../infra/k8s/mesh/preview-access';
import { INGRESS_GATEWAY_POD_LABELS, NAMESPACES } from '../../../../infra/k8s/platform-names';
import { synthesizePlatform } from '../../../../infra/platform';
import { readManifests } from '../../../../infra/synth/write-charts';
import { authorize, type MeshRequest } from '../../../helpers/istio-authorization';
import { TEST_IMAGE, find, synth, type SynthObject } from '../../fixtures';

const CHARTS_OUT = join(__dirname, '..', '..', '..', '..', 'charts-out');
/** An address on the internet that no environment lists as a tester network (TEST-NET-2). */
const STRANGER = '198.51.100.23';

/** A request arriving at the Istio ingress gateway from `remoteIp`. */
function atIngress(remoteIp: string, extra: Partial<MeshRequest> = {}): MeshRequest {
  return { namespace: NAMESPACES.istio, labels: INGRESS_GATEWAY_POD_LABELS, port: 443, protocol: 'http', remoteIp, method: 'GET', path: '/api/users/1', ...extra };
}

describe.each(ENVIRONMENT_NAMES)('the preview header at the ingress in charts-out/%s', (environment) => {
  const objects = readManifests(join(CHARTS_OUT, environment));
  const { previewHeaderName, previewTesterCidrs } = ENVIRONMENTS[environment].rollout;
  const open = previewTesterCidrs.includes('0.0.0.0/0');

  it(`regression: a client outside the tester networks cannot send ${'x-uag-canary'} to reach the untested version (${open ? 'this environment opens it to everyone' : 'refused'})`, () => {
    const decision = authorize(objects, atIngress(STRANGER, { headers: { [previewHeaderName]: 'true' } }));
    expect(decision.allowed).toBe(open);
  });

  it('lets the same request through without the header, and leaves raw TCP listeners alone', () => {
    expect(authorize(objects, atIngress(STRANGER)).allowed).toBe(true);
    expect(authorize(objects, atIngress(STRANGER, { port: 7000, protocol: 'tcp', method: undefined, path: undefined })).allowed).toBe(true);
  });
});

describe('PreviewAccess', () => {
  const policyFor = (testerCidrs: readonly string[]): SynthObject[] =>
    synth((chart) => new PreviewAccess(chart, 'preview', { name: 'gateway-preview-header', labels: { app: 'gateway' }, previewHeaderName: 'x-try-new', testerCidrs }));

  it('lets tester networks (IPv4 and IPv6) send the header and refuses everyone else, on both HTTP server ports', () => {
    const objects = policyFor(['203.0.113.0/24', '2001:db8::/32']);
    const header = { headers: { 'x-try-new': 'true' } };
    expect(authorize(objects, atIngress('203.0.113.9', header))).toEqual({ allowed: true, reason: 'no policy' });
    expect(authorize(objects, atIngress('2001:db8::7', header)).allowed).toBe(true);
    expect(authorize(objects, atIngress(STRANGER, header))).toEqual({ allowed: false, reason: 'DENY istio-system/gateway-preview-header' });
    expect(authorize(objects, atIngress(STRANGER, { ...header, port: 80 })).allowed).toBe(false);
    // Any value: the header is the tester's, whatever it says.
    expect(authorize(objects, atIngress(STRANGER, { headers: { 'x-try-new': 'never' } })).allowed).toBe(false);
  });

  it('refuses the header from everyone when no tester network is declared', () => {
    const policy = find(policyFor([]), 'AuthorizationPolicy');
    expect(policy.spec.rules).toEqual([{ to: [{ operation: { ports: ['80', '443'] } }], when: [{ key: 'request.headers[x-try-new]', values: ['*'] }] }]);
    expect(authorize([policy], atIngress('203.0.113.9', { headers: { 'x-try-new': 'true' } })).allowed).toBe(false);
  });

  it('is rendered per environment from rollout.previewTesterCidrs', () => {
    const environment = defineEnvironment({ ...ENVIRONMENT_OVERRIDES.prod, rollout: { previewTesterCidrs: ['192.0.2.0/24'] } });
    const objects = synthesizePlatform({ environment, image: TEST_IMAGE }).charts.flatMap((chart) => chart.toJson() as SynthObject[]);
    expect(authorize(objects, atIngress('192.0.2.44', { headers: { 'x-uag-canary': 'true' } })).allowed).toBe(true);
    expect(authorize(objects, atIngress(STRANGER, { headers: { 'x-uag-canary': 'true' } })).allowed).toBe(false);
  });
});
