import type { GatewayErrorCode, UpstreamOutcome } from '../contract';

export interface UpstreamFailure {
  readonly outcome: Exclude<UpstreamOutcome, 'success'>;
  readonly code: GatewayErrorCode;
  /**
   * False when the request never left the gateway because the gateway could not build it (a
   * header undici or node:http refuses): no fault of the upstream's, so no breaker failure.
   */
  readonly blamesUpstream: boolean;
}

function upstreamFault(outcome: UpstreamFailure['outcome'], code: GatewayErrorCode): UpstreamFailure {
  return { outcome, code, blamesUpstream: true };
}

const UNFORWARDABLE: UpstreamFailure = { outcome: 'error', code: 'UAG_ERR_UNFORWARDABLE', blamesUpstream: false };

const BY_ERROR_CODE: Record<string, UpstreamFailure> = {
  ECONNREFUSED: upstreamFault('connect_error', 'UAG_ERR_UPSTREAM_FAILED'),
  EHOSTUNREACH: upstreamFault('connect_error', 'UAG_ERR_UPSTREAM_FAILED'),
  ENETUNREACH: upstreamFault('connect_error', 'UAG_ERR_UPSTREAM_FAILED'),
  ECONNRESET: upstreamFault('reset', 'UAG_ERR_UPSTREAM_FAILED'),
  EPIPE: upstreamFault('reset', 'UAG_ERR_UPSTREAM_FAILED'),
  UND_ERR_SOCKET: upstreamFault('reset', 'UAG_ERR_UPSTREAM_FAILED'),
  UND_ERR_CLOSED: upstreamFault('reset', 'UAG_ERR_UPSTREAM_FAILED'),
  UND_ERR_HEADERS_TIMEOUT: upstreamFault('timeout', 'UAG_ERR_UPSTREAM_TIMEOUT'),
  UND_ERR_CONNECT_TIMEOUT: upstreamFault('timeout', 'UAG_ERR_UPSTREAM_TIMEOUT'),
  ETIMEDOUT: upstreamFault('timeout', 'UAG_ERR_UPSTREAM_TIMEOUT'),
  ENOTFOUND: upstreamFault('unresolved', 'UAG_ERR_NO_UPSTREAM'),
  EAI_AGAIN: upstreamFault('unresolved', 'UAG_ERR_NO_UPSTREAM'),
  // undici refusing a request it was given (a header value, a field it will not send).
  UND_ERR_INVALID_ARG: UNFORWARDABLE,
  UND_ERR_NOT_SUPPORTED: UNFORWARDABLE,
  // node:http's checks, which the WebSocket handshake applies to the head it writes.
  ERR_INVALID_CHAR: UNFORWARDABLE,
  ERR_INVALID_HTTP_TOKEN: UNFORWARDABLE,
  ERR_HTTP_INVALID_HEADER_VALUE: UNFORWARDABLE,
  ERR_UNESCAPED_CHARACTERS: UNFORWARDABLE,
};

const UNKNOWN = upstreamFault('error', 'UAG_ERR_UPSTREAM_FAILED');

/** Maps an undici/socket error to the status the client sees and the metric outcome. */
export function classifyUpstreamError(error: unknown): UpstreamFailure {
  let current: unknown = error;
  // undici wraps some socket errors; the errno code may sit on the cause.
  for (let depth = 0; depth < 3 && current !== null && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && BY_ERROR_CODE[code] !== undefined) return BY_ERROR_CODE[code];
    current = (current as { cause?: unknown }).cause;
  }
  return UNKNOWN;
}
