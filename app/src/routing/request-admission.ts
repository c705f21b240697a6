import type { IncomingMessage } from 'node:http';
import type { Rejection } from '../edge/request-guard';
import { hostLineCount, hostName } from './host';
import { normalizeTarget } from './normalize-path';

/** A request the gateway can route: where it goes, and the authority the upstream is told. */
export interface AdmittedRequest {
  readonly ok: true;
  /** Normalised path, as routed and forwarded. */
  readonly path: string;
  /** Query string with its "?", untouched. */
  readonly query: string;
  /** Host name routing compares (`hostName`); undefined only for an HTTP/1.0 request without Host. */
  readonly host: string | undefined;
  /** `host[:port]` as the client wrote it, the absolute-form authority over Host: what the upstream receives as Host. */
  readonly authority: string | undefined;
}

export type Admission = AdmittedRequest | (Rejection & { readonly ok: false });

/**
 * The checks a request passes before routing, for plain requests and WebSocket upgrades alike:
 * no more header lines than `maxHeaderLines` (the HTTP server drops lines past its own cap, so a
 * Content-Length or a second Host could go unseen); exactly one Host, and a valid host[:port]
 * (RFC 9112 3.2); no transfer coding but chunked (RFC 9112 6.1: the gateway would otherwise pass
 * a gzip body on as if it were plain); a target in origin- or absolute-form whose authority is
 * checked like Host and wins over it (RFC 9112 3.2.2).
 */
export function admitRequest(request: IncomingMessage, maxHeaderLines: number): Admission {
  const rawHeaders = request.rawHeaders;
  if (rawHeaders.length > 2 * maxHeaderLines) return { ok: false, code: 'UAG_ERR_TOO_MANY_HEADERS', detail: `the limit is ${maxHeaderLines}` };
  const headers = request.headers;
  const hostHeader = headers.host;
  let host: string | undefined;
  if (hostHeader !== undefined) {
    if (hostLineCount(rawHeaders) > 1) return { ok: false, code: 'UAG_ERR_BAD_HOST', detail: 'more than one Host header' };
    host = hostName(hostHeader);
    if (host === undefined) return { ok: false, code: 'UAG_ERR_BAD_HOST', detail: 'not a valid host[:port]' };
  }
  const coding = headers['transfer-encoding'];
  if (coding !== undefined && coding !== 'chunked' && coding.toLowerCase() !== 'chunked') return { ok: false, code: 'UAG_ERR_TRANSFER_CODING' };
  const target = normalizeTarget(request.url ?? '/');
  if (!target.ok) return { ok: false, code: 'UAG_ERR_BAD_PATH', detail: target.reason };
  if (target.authority === undefined) return { ok: true, path: target.path, query: target.query, host, authority: hostHeader };
  const targetHost = hostName(target.authority);
  if (targetHost === undefined) return { ok: false, code: 'UAG_ERR_BAD_HOST', detail: 'the request target names no valid host[:port]' };
  return { ok: true, path: target.path, query: target.query, host: targetHost, authority: target.authority };
}
