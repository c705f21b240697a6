import { classifyUpstreamError } from '../../../app/src/proxy/upstream-errors';

describe('classifyUpstreamError', () => {
  it.each([
    ['ECONNREFUSED', 'connect_error', 'UAG_ERR_UPSTREAM_FAILED'],
    ['ECONNRESET', 'reset', 'UAG_ERR_UPSTREAM_FAILED'],
    ['UND_ERR_SOCKET', 'reset', 'UAG_ERR_UPSTREAM_FAILED'],
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout', 'UAG_ERR_UPSTREAM_TIMEOUT'],
    ['UND_ERR_CONNECT_TIMEOUT', 'timeout', 'UAG_ERR_UPSTREAM_TIMEOUT'],
    ['ENOTFOUND', 'unresolved', 'UAG_ERR_NO_UPSTREAM'],
    ['EAI_AGAIN', 'unresolved', 'UAG_ERR_NO_UPSTREAM'],
    ['SOMETHING_NEW', 'error', 'UAG_ERR_UPSTREAM_FAILED'],
  ])('%s -> %s / %s', (code, outcome, errorCode) => {
    expect(classifyUpstreamError(Object.assign(new Error('x'), { code }))).toEqual({ outcome, code: errorCode, blamesUpstream: true });
  });

  it.each(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED', 'ERR_INVALID_CHAR', 'ERR_UNESCAPED_CHARACTERS'])(
    'a request the gateway could not build (%s) is a 500 that does not blame the upstream',
    (code) => {
      expect(classifyUpstreamError(Object.assign(new Error('x'), { code }))).toEqual({ outcome: 'error', code: 'UAG_ERR_UNFORWARDABLE', blamesUpstream: false });
    },
  );

  it('looks through undici wrappers at the cause', () => {
    const wrapped = Object.assign(new Error('fetch failed'), { cause: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }) });
    expect(classifyUpstreamError(wrapped).outcome).toBe('connect_error');
  });
});
