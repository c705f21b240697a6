import type { IncomingMessage } from 'node:http';
import { isIPv4 } from 'node:net';
import proxyAddr from '@fastify/proxy-addr';

export type TrustFunction = (address: string, hop: number) => boolean;

/**
 * Compiles `UAG_TRUSTED_PROXIES` once; an empty list trusts nobody. Trusts exactly what
 * proxy-addr's compiled function trusts, but looks single IPv4 addresses up in a set (in their
 * IPv4-mapped IPv6 spelling too) before parsing anything: proxy-addr parses every address it is
 * asked about (about 0.6 µs a call), and in the cluster the list is the sidecar's 127.0.0.6 alone,
 * asked about two or three times per request.
 */
export function compileTrust(trusted: readonly string[] | undefined): TrustFunction {
  if (trusted === undefined || trusted.length === 0) return () => false;
  const addresses = new Set(trusted.filter((entry) => isIPv4(entry)).flatMap((address) => [address, `::ffff:${address}`]));
  const others = trusted.filter((entry) => !isIPv4(entry));
  if (others.length === 0) return (address) => addresses.has(address);
  const inOthers = proxyAddr.compile(others);
  return (address, hop) => addresses.has(address) || inOthers(address, hop);
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
