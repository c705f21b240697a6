/** A verified caller, with the header values forwarded upstream precomputed once per token. */
export interface Identity {
  readonly userId: string;
  readonly roles: ReadonlySet<string>;
  readonly scopes: ReadonlySet<string>;
  /** Header name -> value, set on the upstream request after the client's copies are dropped. */
  readonly forwardHeaders: Readonly<Record<string, string>>;
}

/** Visible ASCII except "%" (the escape) and "," (the roles separator): what goes into a header as is. */
const PLAIN = /^[\x21-\x24\x26-\x2b\x2d-\x7e]*$/;
const HEX = '0123456789ABCDEF';

/**
 * One claim value as an identity header carries it, losslessly: every UTF-8 byte outside visible
 * ASCII (controls, space, anything non-ASCII), and "%" and ",", is percent-encoded (RFC 3986
 * 2.1, upper-case hex), so `decodeURIComponent` on a value (or on each item of a comma- or
 * space-separated list) gives back the claim exactly. A header value cannot hold characters
 * beyond Latin-1 at all, and a raw space or comma would merge or split list items. Plain ASCII
 * identities, the usual case, come out unchanged.
 */
export function identityHeaderValue(claim: string): string {
  if (PLAIN.test(claim)) return claim;
  let out = '';
  for (const byte of Buffer.from(claim, 'utf8')) {
    const plain = byte >= 0x21 && byte <= 0x7e && byte !== 0x25 && byte !== 0x2c;
    out += plain ? String.fromCharCode(byte) : `%${HEX[byte >> 4]}${HEX[byte & 0x0f]}`;
  }
  return out;
}
