import { request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { connect } from 'node:net';

export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  json<T = any>(): T;
}

export interface RawRequestOptions {
  /** @default 'GET' */
  readonly method?: string;
  readonly headers?: OutgoingHttpHeaders;
  readonly body?: Buffer;
  /** Source address of the connection, e.g. a sidecar's 127.0.0.6 (any 127.x works on loopback). @default the OS's choice */
  readonly localAddress?: string;
}

/**
 * Sends `path` byte for byte (no URL normalisation, unlike fetch/undici) with headers exactly as
 * given, including `Connection`.
 */
export function rawRequest(baseUrl: string, path: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path, method: options.method ?? 'GET', headers: options.headers, agent: false, localAddress: options.localAddress }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
      });
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer from ${baseUrl}${path} within 10 s`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** One response as it came off the socket: 1xx heads are responses of their own. */
export interface WireResponse {
  readonly status: number;
  /** Header names lower-cased; a repeated name collects its values. */
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly body: Buffer;
  json<T = any>(): T;
}

export interface WireExchange {
  /** Every response the peer sent, in order. */
  readonly responses: readonly WireResponse[];
  /** Everything the peer sent, byte for byte. */
  readonly bytes: Buffer;
  /** The peer closed the connection (rather than the wait running out). */
  readonly closed: boolean;
}

/**
 * Writes `request` to 127.0.0.1:`port` exactly as given (no client library in between, so
 * malformed and ambiguous requests arrive as written) and collects what comes back until the
 * peer closes the connection or `waitMs` passes. The socket is never half-closed: a FIN after the
 * request would count as the client leaving. `chunks` are written one after another, `gapMs` apart.
 */
export function exchangeRaw(port: number, request: string | Buffer | readonly (string | Buffer)[], options: { waitMs?: number; gapMs?: number } = {}): Promise<WireExchange> {
  const { waitMs = 5000, gapMs = 0 } = options;
  const parts = typeof request === 'string' || Buffer.isBuffer(request) ? [request] : request;
  return new Promise((resolve) => {
    const received: Buffer[] = [];
    const socket = connect(port, '127.0.0.1');
    let closed = false;
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      const bytes = Buffer.concat(received);
      resolve({ responses: parseResponses(bytes), bytes, closed });
    };
    const timer = setTimeout(finish, waitMs);
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
      finish();
    });
    socket.once('connect', async () => {
      for (const [index, part] of parts.entries()) {
        if (index > 0 && gapMs > 0) await new Promise((next) => setTimeout(next, gapMs));
        if (socket.destroyed) return;
        socket.write(typeof part === 'string' ? Buffer.from(part, 'latin1') : part);
      }
    });
  });
}

const HEAD_END = Buffer.from('\r\n\r\n');

/** Splits a byte stream into HTTP/1.1 responses: Content-Length, chunked, or up to the end. */
export function parseResponses(bytes: Buffer): WireResponse[] {
  const responses: WireResponse[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const headEnd = bytes.indexOf(HEAD_END, offset);
    if (headEnd === -1) break;
    const [statusLine = '', ...lines] = bytes.toString('latin1', offset, headEnd).split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
    const headers: Record<string, string | string[]> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim();
      const seen = headers[name];
      headers[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
    }
    offset = headEnd + HEAD_END.length;
    let body: Buffer = Buffer.alloc(0);
    if (status >= 200 && status !== 204 && status !== 304) {
      if (typeof headers['content-length'] === 'string') {
        const length = Number(headers['content-length']);
        body = bytes.subarray(offset, offset + length);
        offset += length;
      } else if (headers['transfer-encoding'] === 'chunked') {
        const chunks: Buffer[] = [];
        for (;;) {
          const lineEnd = bytes.indexOf('\r\n', offset);
          if (lineEnd === -1) break;
          const size = parseInt(bytes.toString('latin1', offset, lineEnd), 16);
          offset = lineEnd + 2 + size + 2;
          if (size === 0 || Number.isNaN(size)) break;
          chunks.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
        }
        body = Buffer.concat(chunks);
      } else {
        body = bytes.subarray(offset);
        offset = bytes.length;
      }
    }
    const text = body.toString('utf8');
    responses.push({ status, headers, body, json: () => JSON.parse(text) });
  }
  return responses;
}
