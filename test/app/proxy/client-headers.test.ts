import { ClientHeaderPolicy } from '../../../app/src/proxy/client-headers';
import { useCleanup } from '../../helpers/cleanup';
import { echoHandler, startLoopbackServer } from '../../helpers/loopback-server';
import { exchangeRaw } from '../../helpers/raw-request';
import { startTestGateway } from '../../helpers/test-gateway';

const track = useCleanup();

const IDENTITY = ['x-user-id', 'x-user-roles', 'x-user-scopes'];

/** What a proxy in front of the gateway may tell the upstream, and a client may only forge. */
const PROXY_SAYS = {
  'x-forwarded-port': '443',
  'x-forwarded-prefix': '/admin',
  'x-forwarded-server': 'trusted.internal',
  'x-forwarded-scheme': 'https',
  'x-forwarded-ssl': 'on',
  'x-real-ip': '10.0.0.1',
  'true-client-ip': '10.0.0.2',
  'x-client-ip': '10.0.0.3',
};
/** What nobody but the gateway sets, and what it answers itself. */
const GATEWAY_SAYS = {
  host: 'a.example.test',
  'x-forwarded-for': '203.0.113.9',
  forwarded: 'for=10.0.0.4',
  'x-request-id': 'abc',
  expect: '100-continue',
  'x-user-id': 'admin',
  x_user_roles: 'admin',
};
const FORGED = { ...PROXY_SAYS, ...GATEWAY_SAYS, 'x-custom_flag': 'on', accept: '*/*' };

describe('ClientHeaderPolicy', () => {
  it('from an untrusted client drops the X-Forwarded-* family, client-address headers, identity headers in any spelling and names with "_"', () => {
    expect(new ClientHeaderPolicy(IDENTITY, false).copy(FORGED, false)).toEqual({ accept: '*/*' });
  });

  it('from a trusted proxy keeps its X-Forwarded-* and client-address headers, but never identity, request id or Expect', () => {
    expect(new ClientHeaderPolicy(IDENTITY, false).copy(FORGED, true)).toEqual({ ...PROXY_SAYS, accept: '*/*' });
  });

  it('with underscoresInHeaders keeps names with "_" unless they fold into a dropped name', () => {
    expect(new ClientHeaderPolicy(IDENTITY, true).copy({ ...FORGED, x_forwarded_host: 'evil' }, false)).toEqual({ 'x-custom_flag': 'on', accept: '*/*' });
  });
});

describe('underscoresInHeaders on a route', () => {
  test('forwards client headers with "_" on the route that opts in, and still never an identity header spelled with "_"', async () => {
    const upstream = track(await startLoopbackServer(echoHandler));
    const gateway = track(
      await startTestGateway({
        routes: {
          routes: [
            { name: 'legacy', match: { pathPrefix: '/legacy' }, upstream: { url: upstream.url }, underscoresInHeaders: true },
            { name: 'modern', match: { pathPrefix: '/' }, upstream: { url: upstream.url } },
          ],
        },
      }),
    );
    const port = Number(new URL(gateway.baseUrl).port);
    for (const path of ['/legacy/x', '/modern/x']) {
      await exchangeRaw(port, `GET ${path} HTTP/1.1\r\nHost: a.example.test\r\nX_Api_Version: 2\r\nX_User_Id: admin\r\nConnection: close\r\n\r\n`);
    }
    const [legacy, modern] = upstream.requests;
    expect([legacy!.headers.x_api_version, legacy!.headers.x_user_id]).toEqual(['2', undefined]);
    expect([modern!.headers.x_api_version, modern!.headers.x_user_id]).toEqual([undefined, undefined]);
  });
});
