import type { IncomingMessage } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';

export type TrustFunction = (address: string, hop: number) => boolean;

/** Compiles `UAG_TRUSTED_PROXIES` once; an empty list trusts nobody. */
export function compileTrust(trusted: readonly string[] | undefined): TrustFunction {
  if (trusted === undefined || trusted.length === 0) return () => false;
  return proxyAddr.compile([...trusted]);
}

/** Whether the peer `request` came from is a proxy `UAG_TRUSTED_PROXIES` names. */
export function fromTrustedProxy(request: IncomingMessage, trust: TrustFunction): boolean {
  return trust(request.socket.remoteAddress ?? '', 0);
}

/**
 * X-Forwarded-* for the upstream of `request` (HTTP request or WebSocket upgrade); `authority`
 * is the host[:port] the request was admitted with.
 */
export function forwardedHeadersFor(request: IncomingMessage, trustedPeer: boolean, authority: string | undefined): ForwardedHeaders {
  const headers = request.headers;
  return forwardedHeaders(
    {
      peerAddress: request.socket.remoteAddress ?? '',
      host: authority,
      incomingFor: headers['x-forwarded-for'],
      incomingProto: headers['x-forwarded-proto'],
      incomingHost: headers['x-forwarded-host'],
    },
    trustedPeer,
  );
}

export interface ForwardedInput {
  readonly peerAddress: string;
  /** The admitted authority (absolute-form target, else Host). */
  readonly host: string | undefined;
  readonly incomingFor: string | string[] | undefined;
  readonly incomingProto: string | string[] | undefined;
  readonly incomingHost: string | string[] | undefined;
}

export interface ForwardedHeaders {
  'x-forwarded-for': string;
  'x-forwarded-proto': string;
  'x-forwarded-host'?: string;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * X-Forwarded-* for the upstream. A peer we trust is a proxy in front of us: its chain is kept
 * and extended. Anyone else could have forged the headers, so they are replaced.
 */
export function forwardedHeaders(input: ForwardedInput, trustedPeer: boolean): ForwardedHeaders {
  const peer = input.peerAddress;
  if (trustedPeer) {
    const chain = first(input.incomingFor);
    const proto = first(input.incomingProto);
    const host = first(input.incomingHost) ?? input.host;
    return {
      'x-forwarded-for': chain ? `${chain}, ${peer}` : peer,
      'x-forwarded-proto': proto ?? 'http',
      ...(host !== undefined ? { 'x-forwarded-host': host } : {}),
    };
  }
  return {
    'x-forwarded-for': peer,
    'x-forwarded-proto': 'http',
    ...(input.host !== undefined ? { 'x-forwarded-host': input.host } : {}),
  };
}
