import type { IncomingHttpHeaders } from 'node:http';
import { DroppedHeaders, endToEndHeaders, type HeaderMap } from './hop-by-hop';
import { REQUEST_ID_HEADER } from './request-id';

/**
 * Request headers the gateway sets itself or answers itself, never passed on as the client sent
 * them: Host (the admitted authority, or the upstream's own), forwarding, the request id, and
 * Expect (the gateway sends 100 Continue itself; undici refuses to send the field at all).
 */
const GATEWAY_OWNED = ['host', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'forwarded', REQUEST_ID_HEADER, 'expect'];
/** De-facto client-address headers: trusted from a proxy in front of the gateway, forged from anyone else. */
const CLIENT_ADDRESS_HEADERS = ['x-real-ip', 'true-client-ip', 'x-client-ip', 'x-cluster-client-ip', 'cf-connecting-ip', 'fastly-client-ip'];
/** The X-Forwarded-* family (Port, Prefix, Server, Scheme, Ssl, ...): from an untrusted peer, all of it goes. */
const FORWARDED_FAMILY = 'x-forwarded-';

/**
 * Which of a client's request headers reach the upstream on one route. Always dropped: hop-by-hop
 * fields, the gateway-owned names above and the identity headers the gateway sets from verified
 * tokens, in any spelling of "-" as "_". From a peer that is not a trusted proxy, also the whole
 * X-Forwarded-* family and the client-address headers. Names with "_" are dropped unless the
 * route sets `underscoresInHeaders` (nginx's `underscores_in_headers off`).
 */
export class ClientHeaderPolicy {
  private readonly fromProxy: DroppedHeaders;
  private readonly fromClient: DroppedHeaders;

  constructor(identityHeaders: readonly string[], underscoresInHeaders: boolean) {
    const underscores = underscoresInHeaders ? 'fold' : 'drop';
    const owned = [...GATEWAY_OWNED, ...identityHeaders];
    this.fromProxy = new DroppedHeaders(owned, { underscores });
    this.fromClient = new DroppedHeaders([...owned, ...CLIENT_ADDRESS_HEADERS], { underscores, prefix: FORWARDED_FAMILY });
  }

  /**
   * The headers of `incoming` to send upstream; `trustedPeer` when the peer is in
   * UAG_TRUSTED_PROXIES. Left out while copying rather than deleted afterwards: a delete turns the
   * object into a slow dictionary for everything that reads it later (undici walks it once more).
   */
  copy(incoming: IncomingHttpHeaders, trustedPeer: boolean): HeaderMap {
    return endToEndHeaders(incoming, trustedPeer ? this.fromProxy : this.fromClient);
  }
}
