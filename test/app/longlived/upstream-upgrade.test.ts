import type { Socket } from 'node:net';
import { requestUpgrade, MAX_UPGRADE_ANSWER_HEAD_BYTES, type UpgradeOutcome, type UpgradeRequest } from '../../../app/src/longlived/upstream-upgrade';
import { startTcpEchoServer } from '../../helpers/echo-upstreams';
import { closedPort } from '../../helpers/loopback-server';
import { onCleanup } from '../../support/edge-harness';

const SWITCHING = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: abc\r\n\r\n';

/** A raw TCP upstream that hands each connection's bytes to `answer` once the request head is complete. */
async function rawUpstream(answer: (socket: Socket, requestHead: string) => void): Promise<{ origin: URL; heads: string[] }> {
  const heads: string[] = [];
  const server = await startTcpEchoServer((socket) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      if (text.includes('\r\n\r\n')) return;
      text += chunk.toString('latin1');
      if (!text.includes('\r\n\r\n')) return;
      heads.push(text);
      answer(socket, text);
    });
  });
  onCleanup(() => server.close());
  return { origin: new URL(`http://127.0.0.1:${server.port}`), heads };
}

function upgrade(request: Partial<UpgradeRequest> & Pick<UpgradeRequest, 'origin'>): Promise<UpgradeOutcome> {
  return new Promise((resolve) => {
    requestUpgrade({ path: '/play', headers: { connection: 'Upgrade', upgrade: 'websocket' }, timeoutMs: 2000, ...request }, (outcome) => {
      if (outcome.kind === 'upgraded') onCleanup(() => outcome.socket.destroy());
      resolve(outcome);
    });
  });
}

describe('requestUpgrade', () => {
  test('sends the request line, Host and headers; hands over the answer head byte for byte and what followed it', async () => {
    const frame = Buffer.from([0x81, 0x02, 0x68, 0x69]);
    const upstream = await rawUpstream((socket) => {
      // The head split mid-terminator, the first frame in the same write as its end.
      socket.write(SWITCHING.slice(0, -3));
      setTimeout(() => socket.write(Buffer.concat([Buffer.from(SWITCHING.slice(-3)), frame])), 20);
    });
    const outcome = await upgrade({ origin: upstream.origin, path: '/play/room?x=1', headers: { connection: 'Upgrade', upgrade: 'websocket', 'x-multi': ['a', 'b'] } });
    expect(upstream.heads[0]).toBe(`GET /play/room?x=1 HTTP/1.1\r\nhost: ${upstream.origin.host}\r\nconnection: Upgrade\r\nupgrade: websocket\r\nx-multi: a\r\nx-multi: b\r\n\r\n`);
    if (outcome.kind !== 'upgraded') throw new Error(`expected an upgrade, got ${JSON.stringify(outcome)}`);
    expect(outcome.answerHead.toString('latin1')).toBe(SWITCHING);
    expect(outcome.rest).toEqual(frame);
    expect(outcome.socket.isPaused()).toBe(true);
    expect(outcome.socket.listenerCount('data')).toBe(0);
  });

  test('an answer other than 101 is a refusal with its status', async () => {
    const upstream = await rawUpstream((socket) => socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n'));
    expect(await upgrade({ origin: upstream.origin })).toEqual({ kind: 'refused', status: 403 });
  });

  test('no answer within the timeout, an endless head, a malformed status line and a refused connection fail with the cause', async () => {
    const silent = await rawUpstream(() => undefined);
    const endless = await rawUpstream((socket) => socket.write(`HTTP/1.1 101 Switching Protocols\r\nx-filler: ${'a'.repeat(MAX_UPGRADE_ANSWER_HEAD_BYTES)}`));
    const garbled = await rawUpstream((socket) => socket.write('SSH-2.0-OpenSSH\r\n\r\n'));
    const failures = await Promise.all([
      upgrade({ origin: silent.origin, timeoutMs: 100 }),
      upgrade({ origin: endless.origin }),
      upgrade({ origin: garbled.origin }),
      upgrade({ origin: new URL(`http://127.0.0.1:${await closedPort()}`) }),
    ]);
    expect(failures.map((outcome) => (outcome.kind === 'failed' ? (outcome.error as NodeJS.ErrnoException).code : outcome.kind))).toEqual([
      'ETIMEDOUT',
      'HPE_HEADER_OVERFLOW',
      'HPE_INVALID_CONSTANT',
      'ECONNREFUSED',
    ]);
  });

  test('a header value with a line break is refused before anything is sent', async () => {
    const upstream = await rawUpstream(() => undefined);
    const outcome = await upgrade({ origin: upstream.origin, headers: { 'x-claim': 'a\r\nx-admin: yes' } });
    expect(outcome.kind === 'failed' && (outcome.error as NodeJS.ErrnoException).code).toBe('ERR_INVALID_CHAR');
    expect(upstream.heads).toEqual([]);
  });

  test('abandoning the attempt closes the upstream connection and reports it once', async () => {
    let upstreamClosed!: () => void;
    const closed = new Promise<void>((resolve) => (upstreamClosed = resolve));
    const upstream = await rawUpstream((socket) => socket.once('close', upstreamClosed));
    const outcomes: UpgradeOutcome[] = [];
    const abandon = requestUpgrade({ origin: upstream.origin, path: '/', headers: {}, timeoutMs: 2000 }, (outcome) => outcomes.push(outcome));
    await new Promise((resolve) => setTimeout(resolve, 50));
    abandon();
    abandon();
    await closed;
    expect(outcomes.map((outcome) => outcome.kind === 'failed' && (outcome.error as NodeJS.ErrnoException).code)).toEqual(['ECONNRESET']);
  });
});
