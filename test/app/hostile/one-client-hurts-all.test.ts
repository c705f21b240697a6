import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { useCleanup, useTempDir } from '../../helpers/cleanup';
import { startWebSocketEchoServer } from '../../helpers/echo-upstreams';
import { startBuiltGateway, type BuiltGateway } from '../../helpers/gateway-process';
import { echoHandler, startLoopbackServer, type LoopbackServer } from '../../helpers/loopback-server';
import { exchangeRaw } from '../../helpers/raw-request';
import { AUDIENCE, ISSUER, makeKey, signToken, writePublicKeyFile, type SigningKey } from '../../support/jwks-server';

/**
 * Ways one anonymous client could hurt every other client of the built gateway: open a healthy
 * upstream's breaker, push oversized WebSocket control frames through, or flood a JWT route
 * with bad tokens past its rate limit.
 */
const track = useCleanup('all');
const dir = useTempDir('uag-hostile-clients-');
let key: SigningKey;
let uploads: LoopbackServer;
let upstream: LoopbackServer;
let websocketUpstream: LoopbackServer;
let gateway: BuiltGateway;

beforeAll(async () => {
  key = await makeKey('hostile-2');
  const keyFile = await writePublicKeyFile(key, join(dir(), 'jwt.pem'));
  uploads = track(await startLoopbackServer(echoHandler));
  upstream = track(await startLoopbackServer(echoHandler));
  websocketUpstream = track(await startWebSocketEchoServer());
  gateway = track(
    await startBuiltGateway({
      auth: { jwt: { publicKeyFile: keyFile, issuer: ISSUER, audience: AUDIENCE } },
      routes: [
        { name: 'upload', match: { pathPrefix: '/upload' }, upstream: { url: uploads.url }, auth: 'none', circuitBreaker: { consecutiveFailures: 3, coolDownMs: 60_000 } },
        { name: 'private', match: { pathPrefix: '/private' }, upstream: { url: upstream.url }, auth: 'jwt' },
        { name: 'limited', match: { pathPrefix: '/limited' }, upstream: { url: upstream.url }, auth: 'jwt', rateLimit: { requestsPerSecond: 0.01, burst: 3 } },
        { name: 'per-user', match: { pathPrefix: '/per-user' }, upstream: { url: upstream.url }, auth: 'jwt', rateLimit: { requestsPerSecond: 0.01, burst: 3, key: 'user' } },
        { name: 'play', match: { pathPrefix: '/play' }, upstream: { url: websocketUpstream.url }, auth: 'none', websocket: { maxMessageBytes: 1024 } },
      ],
    }),
  );
}, 30_000);

/** A client frame (masked, RFC 6455 5.3) with `first` as its first byte (FIN, opcode). */
function clientFrame(first: number, payload: Buffer): Buffer {
  const mask = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);
  const length = payload.length;
  const head =
    length < 126 ? Buffer.from([first, 0x80 | length])
    : length < 65_536 ? Buffer.from([first, 0x80 | 126, length >> 8, length & 0xff])
    : Buffer.concat([Buffer.from([first, 0x80 | 127]), Buffer.from(new BigUint64Array([BigInt(length)]).buffer).reverse()]);
  return Buffer.concat([head, mask, payload.map((byte, index) => byte ^ mask[index % 4]!)]);
}

/** Opens a WebSocket through the gateway on a raw socket; resolves once the 101 head is in. */
function openWebSocket(path: string): Promise<{ socket: Socket; received: Buffer[]; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(gateway.port, '127.0.0.1');
    const received: Buffer[] = [];
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.on('error', () => undefined);
    const timer = setTimeout(() => reject(new Error('no 101 within 2 s')), 2000);
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      const all = Buffer.concat(received);
      const end = all.indexOf('\r\n\r\n');
      if (end === -1 || received.length === 0) return;
      if (!all.subarray(0, 12).equals(Buffer.from('HTTP/1.1 101'))) return reject(new Error(`no 101: ${all.toString('latin1', 0, 40)}`));
      clearTimeout(timer);
      socket.removeAllListeners('data');
      const rest = all.subarray(end + 4);
      const frames: Buffer[] = rest.length > 0 ? [rest] : [];
      socket.on('data', (more: Buffer) => frames.push(more));
      resolve({ socket, received: frames, closed });
    });
    socket.write(`GET ${path} HTTP/1.1\r\nHost: a.example.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);
  });
}

describe('one client must not hurt the others', () => {
  test('Expect: 100-continue gets 100 Continue and the upload reaches the upstream, so it cannot open the breaker', async () => {
    const head = 'POST /upload/file HTTP/1.1\r\nHost: a.example.test\r\nContent-Length: 3\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n';
    const before = uploads.requests.length;
    for (let attempt = 0; attempt < 4; attempt++) {
      const exchange = await exchangeRaw(gateway.port, [head, 'abc'], { gapMs: 100 });
      expect([attempt, exchange.responses.map((response) => response.status)]).toEqual([attempt, [100, 200]]);
      expect(exchange.responses[1]!.json()).toMatchObject({ method: 'POST', bodyBytes: 3 });
    }
    expect(uploads.requests.slice(before).map((request) => request.headers.expect)).toEqual([undefined, undefined, undefined, undefined]);
    const plain = await exchangeRaw(gateway.port, 'GET /upload/ok HTTP/1.1\r\nHost: a.example.test\r\nConnection: close\r\n\r\n');
    expect(plain.responses[0]?.status).toBe(200);
  });

  test('a request refused before its body is read gets its answer without 100 Continue', async () => {
    const exchange = await exchangeRaw(gateway.port, 'POST /private/file HTTP/1.1\r\nHost: a.example.test\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n', { waitMs: 1000 });
    expect(exchange.responses.map((response) => response.status)).toEqual([401]);
    expect(exchange.closed).toBe(true);
  });

  test.each([
    ['a 2 MiB ping', clientFrame(0x89, Buffer.alloc(2 * 1024 * 1024, 1))],
    ['a 200-byte close', clientFrame(0x88, Buffer.concat([Buffer.from([0x03, 0xe8]), Buffer.alloc(198, 0x61)]))],
    ['a fragmented ping', clientFrame(0x09, Buffer.from('hi'))],
    ['a reserved control opcode', clientFrame(0x8b, Buffer.from('hi'))],
    ['a reserved data opcode', clientFrame(0x83, Buffer.from('hi'))],
  ])('a WebSocket frame breaking RFC 6455 (%s) closes with 1002 and reaches nobody', async (_name, frame) => {
    const { socket, received, closed } = await openWebSocket('/play/room');
    const upstreamBefore = websocketUpstream.receivedBytes().length;
    socket.write(frame);
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2000))]);
    const answer = Buffer.concat(received);
    expect([answer[0], answer[1], answer.readUInt16BE(2)]).toEqual([0x88, expect.any(Number), 1002]);
    expect(websocketUpstream.receivedBytes().length - upstreamBefore).toBe(0);
    socket.destroy();
  });

  test('a flood of bad tokens meets the rate limit before authentication', async () => {
    const statuses = async (path: string, token: string, count: number) => {
      const seen: (number | undefined)[] = [];
      for (let i = 0; i < count; i++) {
        seen.push((await exchangeRaw(gateway.port, `GET ${path} HTTP/1.1\r\nHost: a.example.test\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n`)).responses[0]?.status);
      }
      return seen;
    };
    expect(await statuses('/limited/x', 'bad.token.here', 5)).toEqual([401, 401, 401, 429, 429]);
    expect(await statuses('/per-user/x', 'bad.token.here', 5)).toEqual([401, 401, 401, 429, 429]);
    expect(await statuses('/per-user/x', await signToken(key, { sub: 'carol' }), 1)).toEqual([200]);
  });
});
