import { validateHeaderName, validateHeaderValue } from 'node:http';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { HeaderMap } from '../proxy/hop-by-hop';

/** Node's default limit for an HTTP head (--max-http-header-size), applied to the upstream's answer. */
export const MAX_UPGRADE_ANSWER_HEAD_BYTES = 16 * 1024;
const HEAD_END = Buffer.from('\r\n\r\n');
/** Characters node:http refuses in a request path (ERR_UNESCAPED_CHARACTERS). */
const INVALID_PATH = /[^\u0021-\u00ff]/;
const STATUS_LINE = /^HTTP\/1\.[01] (\d{3})(?: |$)/;

export interface UpgradeRequest {
  /** `http:` or `https:` origin of the upstream. */
  readonly origin: URL;
  /** Path and query, as sent on the request line. */
  readonly path: string;
  /** Every header to send, Connection and Upgrade included; Host defaults to the origin's. */
  readonly headers: HeaderMap;
  /** From the first byte written to the end of the answer's head. */
  readonly timeoutMs: number;
}

export type UpgradeOutcome =
  /** `answerHead` is the upstream's 101 head, byte for byte; `rest` what followed it in the same read. */
  | { readonly kind: 'upgraded'; readonly socket: Socket; readonly answerHead: Buffer; readonly rest: Buffer }
  | { readonly kind: 'refused'; readonly status: number }
  | { readonly kind: 'failed'; readonly error: Error };

/**
 * Sends a WebSocket upgrade request to an upstream on a connection of its own and reads the head
 * of the answer, calling `done` once, never synchronously. On 101 the socket is handed over
 * paused, with nothing attached to it. Written on
 * net/tls rather than node:http because the HTTP client builds an Agent, a ClientRequest and a
 * parser for every request (about 20 KiB of garbage per WebSocket opened, measured over a burst of
 * 10,000) and leaves a cleared timer and request bookkeeping on the socket for the relay's life.
 * Returns a function that abandons the attempt (the client went away).
 */
export function requestUpgrade(request: UpgradeRequest, done: (outcome: UpgradeOutcome) => void): () => void {
  let head: string;
  try {
    head = requestHead(request);
  } catch (error) {
    // Asynchronously, like every other outcome: the caller may not be ready for it yet.
    process.nextTick(done, { kind: 'failed', error: error as Error });
    return () => undefined;
  }
  const { hostname, port, protocol } = request.origin;
  const host = hostname.replace(/^\[|\]$/g, '');
  const socket =
    protocol === 'https:'
      ? tlsConnect({ host, port: Number(port || 443), servername: isIP(host) === 0 ? host : undefined, ALPNProtocols: ['http/1.1'] })
      : netConnect({ host, port: Number(port || 80) });
  let received: Buffer = Buffer.alloc(0);
  let settled = false;
  const finish = (outcome: UpgradeOutcome) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    if (outcome.kind === 'upgraded') {
      socket.removeListener('data', onData);
      socket.removeListener('error', onError);
      socket.removeListener('close', onClose);
    } else {
      // The listeners stay (and find the attempt settled): a late error must not go unheard.
      socket.destroy();
    }
    done(outcome);
  };
  const fail = (message: string, code: string) => finish({ kind: 'failed', error: Object.assign(new Error(message), { code }) });
  const onData = (chunk: Buffer) => {
    const searchFrom = Math.max(0, received.length - (HEAD_END.length - 1));
    received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
    const end = received.indexOf(HEAD_END, searchFrom);
    if (end === -1) {
      if (received.length > MAX_UPGRADE_ANSWER_HEAD_BYTES) fail(`upstream answer head is over ${MAX_UPGRADE_ANSWER_HEAD_BYTES} bytes`, 'HPE_HEADER_OVERFLOW');
      return;
    }
    const statusLine = received.toString('latin1', 0, received.indexOf('\r\n'));
    const status = STATUS_LINE.exec(statusLine)?.[1];
    if (status === undefined) return fail(`upstream answered with a malformed status line: ${JSON.stringify(statusLine.slice(0, 80))}`, 'HPE_INVALID_CONSTANT');
    if (status !== '101') return finish({ kind: 'refused', status: Number(status) });
    // Paused so nothing is read (and lost) until the relay listens.
    socket.pause();
    finish({ kind: 'upgraded', socket, answerHead: received.subarray(0, end + HEAD_END.length), rest: received.subarray(end + HEAD_END.length) });
  };
  const onError = (error: Error) => finish({ kind: 'failed', error });
  const onClose = () => fail('upstream closed the connection before answering the upgrade', 'ECONNRESET');
  const timer = setTimeout(() => fail(`upstream did not answer the upgrade within ${request.timeoutMs} ms`, 'ETIMEDOUT'), request.timeoutMs);
  socket.on('data', onData);
  socket.on('error', onError);
  socket.on('close', onClose);
  // node:http read the client's header bytes as Latin-1; written back the same way they are the bytes that came.
  socket.write(head, 'latin1');
  return () => fail('client closed before the upstream answered the upgrade', 'ECONNRESET');
}

/** The request line and headers, validated as node:http would (no CR/LF smuggled into the head). */
function requestHead({ origin, path, headers }: UpgradeRequest): string {
  if (INVALID_PATH.test(path)) throw Object.assign(new Error(`request path contains unescaped characters: ${JSON.stringify(path)}`), { code: 'ERR_UNESCAPED_CHARACTERS' });
  let head = `GET ${path} HTTP/1.1\r\n`;
  if (headers.host === undefined) head += `host: ${origin.host}\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    validateHeaderName(name);
    for (const one of Array.isArray(value) ? value : [value]) {
      validateHeaderValue(name, one);
      head += `${name}: ${one}\r\n`;
    }
  }
  return `${head}\r\n`;
}
