import { addMissingHeaders, mergeAnswerHeaders } from '../../../app/src/proxy/answer-headers';
import type { HeaderMap } from '../../../app/src/proxy/hop-by-hop';
import { startLoopbackServer } from '../../helpers/loopback-server';
import { onCleanup, startGateway } from '../../support/edge-harness';

describe('mergeAnswerHeaders', () => {
  function merged(upstream: HeaderMap, answer: HeaderMap): HeaderMap {
    mergeAnswerHeaders(upstream, answer);
    return upstream;
  }

  it("replaces the upstream's value with the gateway's", () => {
    expect(merged({ 'x-frame-options': 'SAMEORIGIN', 'content-type': 'text/html' }, { 'x-frame-options': 'DENY' })).toEqual({ 'x-frame-options': 'DENY', 'content-type': 'text/html' });
  });

  it("keeps the upstream's cookies next to the gateway's", () => {
    expect(merged({ 'set-cookie': ['session=1', 'theme=dark'] }, { 'set-cookie': 'uag-variant=x' })['set-cookie']).toEqual(['session=1', 'theme=dark', 'uag-variant=x']);
    expect(merged({ 'set-cookie': 'session=1' }, { 'set-cookie': 'uag-variant=x' })['set-cookie']).toEqual(['session=1', 'uag-variant=x']);
  });

  it('lists the fields both sides vary on, once each', () => {
    expect(merged({ vary: 'Accept-Encoding, Origin' }, { vary: 'origin' }).vary).toBe('Accept-Encoding, Origin');
    expect(merged({ vary: 'accept-encoding' }, { vary: 'origin' }).vary).toBe('accept-encoding, origin');
    expect(merged({ vary: '*' }, { vary: 'origin' }).vary).toBe('*');
  });

  it('adds what the upstream did not send', () => {
    expect(merged({}, { vary: 'origin', 'set-cookie': 'a=1' })).toEqual({ vary: 'origin', 'set-cookie': 'a=1' });
  });
});

describe('addMissingHeaders', () => {
  it("adds only what the upstream did not send: the upstream's own values win", () => {
    const response: HeaderMap = { 'content-security-policy': "default-src 'self'" };
    addMissingHeaders(response, { 'content-security-policy': "default-src 'none'", 'x-content-type-options': 'nosniff' });
    expect(response).toEqual({ 'content-security-policy': "default-src 'self'", 'x-content-type-options': 'nosniff' });
  });
});

describe('a proxied answer', () => {
  it("carries the gateway's CORS and sticky-cookie headers and its request id, keeps the upstream's cookies and vary, and lets the upstream's own security headers win", async () => {
    const upstream = await startLoopbackServer((request, response) => {
      request.resume();
      response.setHeader('set-cookie', ['session=abc; HttpOnly', 'theme=dark']);
      response.setHeader('vary', 'accept-encoding');
      response.setHeader('x-request-id', 'chosen-by-upstream');
      response.setHeader('x-frame-options', 'SAMEORIGIN');
      response.end('ok');
    });
    onCleanup(() => upstream.close());
    const started = await startGateway({
      routes: [
        {
          name: 'shop',
          match: { pathPrefix: '/' },
          upstream: { variants: [{ name: 'a', url: upstream.url, weight: 50 }, { name: 'b', url: upstream.url, weight: 50 }] },
          sticky: { by: 'cookie' },
          cors: { origins: ['https://app.example.test'] },
        },
      ],
    });
    const response = await fetch(`${started.base}/x`, { headers: { origin: 'https://app.example.test', 'x-request-id': 'client-id-1' } });
    expect(await response.text()).toBe('ok');
    const cookies = response.headers.getSetCookie();
    expect(cookies.slice(0, 2)).toEqual(['session=abc; HttpOnly', 'theme=dark']);
    expect(cookies[2]).toMatch(/^uag-variant=/);
    expect(cookies).toHaveLength(3);
    expect(response.headers.get('vary')).toBe('accept-encoding, origin');
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.test');
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(response.headers.get('x-request-id')).toBe('client-id-1');
    expect(upstream.requests[0]!.headers['x-request-id']).toBe('client-id-1');
  });
});
