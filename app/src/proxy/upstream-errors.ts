import type { GatewayErrorCode, UpstreamOutcome } from '../contract';

export interface UpstreamFailure {
  readonly outcome: Exclude<UpstreamOutcome, 'success'>;
  readonly code: GatewayErrorCode;
}

const BY_ERROR_CODE: Record<string, UpstreamFailure> = {
  ECONNREFUSED: { outcome: 'connect_error', code: 'UAG_ERR_UPSTREAM_FAILED' },
  EHOSTUNREACH: { outcome: 'connect_error', code: 'UAG_ERR_UPSTREAM_FAILED' },
  ENETUNREACH: { outcome: 'connect_error', code: 'UAG_ERR_UPSTREAM_FAILED' },
  ECONNRESET: { outcome: 'reset', code: 'UAG_ERR_UPSTREAM_FAILED' },
  EPIPE: { outcome: 'reset', code: 'UAG_ERR_UPSTREAM_FAILED' },
  UND_ERR_SOCKET: { outcome: 'reset', code: 'UAG_ERR_UPSTREAM_FAILED' },
  UND_ERR_CLOSED: { outcome: 'reset', code: 'UAG_ERR_UPSTREAM_FAILED' },
  UND_ERR_HEADERS_TIMEOUT: { outcome: 'timeout', code: 'UAG_ERR_UPSTREAM_TIMEOUT' },
  UND_ERR_CONNECT_TIMEOUT: { outcome: 'timeout', code: 'UAG_ERR_UPSTREAM_TIMEOUT' },
  ETIMEDOUT: { outcome: 'timeout', code: 'UAG_ERR_UPSTREAM_TIMEOUT' },
  ENOTFOUND: { outcome: 'unresolved', code: 'UAG_ERR_NO_UPSTREAM' },
  EAI_AGAIN: { outcome: 'unresolved', code: 'UAG_ERR_NO_UPSTREAM' },
};

const UNKNOWN: UpstreamFailure = { outcome: 'error', code: 'UAG_ERR_UPSTREAM_FAILED' };

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
