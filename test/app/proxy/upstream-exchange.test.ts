import { Writable } from 'node:stream';
import { Pool } from 'undici';
import { UpstreamExchange } from '../../../app/src/proxy/upstream-exchange';
import { closedPort, startLoopbackServer } from '../../helpers/loopback-server';
import { useCleanup } from '../../helpers/cleanup';

const track = useCleanup();

/** A sink that keeps what it is given; `highWaterMark` small so backpressure shows quickly. */
class CollectingSink extends Writable {
  readonly chunks: Buffer[] = [];
  constructor(
    private readonly delayMs = 0,
    highWaterMark = 1024,
  ) {
    super({ highWaterMark });
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(chunk);
    if (this.delayMs === 0) callback();
    else setTimeout(callback, this.delayMs);
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** An upstream that answers every request with `total` bytes, written as fast as the socket takes them. */
async function startLargeBodyUpstream(total: number): Promise<{ url: string }> {
  return track(
    await startLoopbackServer((_req, res) => {
      res.writeHead(200, { 'content-length': String(total) });
      let sent = 0;
      const pump = () => {
        while (sent < total) {
          sent += 64 * 1024;
          if (!res.write(Buffer.alloc(64 * 1024, 1))) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    }),
  );
}

function pool(url: string): Pool {
  return track(new Pool(url));
}

describe('UpstreamExchange', () => {
  it('settles the head, then pipes the body and counts its bytes', async () => {
    const upstream = track(
      await startLoopbackServer((_req, res) => {
        res.writeHead(201, { 'x-upstream': 'yes' });
        res.write('hello ');
        setTimeout(() => res.end('world'), 20);
      }),
    );
    const exchange = UpstreamExchange.start(pool(upstream.url), { origin: upstream.url, path: '/a', method: 'GET' });
    const head = await exchange.head;
    expect(head.statusCode).toBe(201);
    expect(head.headers['x-upstream']).toBe('yes');
    const sink = new CollectingSink();
    await expect(exchange.pipeTo(sink)).resolves.toBe(11);
    expect(sink.text()).toBe('hello world');
    expect(sink.writableEnded).toBe(true);
  });

  it('hands over a body that arrived completely before pipeTo was called', async () => {
    const upstream = track(await startLoopbackServer((_req, res) => res.end('complete')));
    const exchange = UpstreamExchange.start(pool(upstream.url), { origin: upstream.url, path: '/', method: 'GET' });
    await exchange.head;
    await new Promise((resolve) => setTimeout(resolve, 50));
    const sink = new CollectingSink();
    await expect(exchange.pipeTo(sink)).resolves.toBe(8);
    expect(sink.text()).toBe('complete');
  });

  it('rejects the head when the upstream refuses the connection', async () => {
    const port = await closedPort();
    const exchange = UpstreamExchange.start(pool(`http://127.0.0.1:${port}`), { origin: `http://127.0.0.1:${port}`, path: '/', method: 'GET' });
    await expect(exchange.head).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('rejects pipeTo when the upstream dies mid-body', async () => {
    const upstream = track(
      await startLoopbackServer((req, res) => {
        res.writeHead(200, { 'content-length': '100' });
        res.write('partial');
        setTimeout(() => req.socket.destroy(), 20);
      }),
    );
    const exchange = UpstreamExchange.start(pool(upstream.url), { origin: upstream.url, path: '/', method: 'GET' });
    await exchange.head;
    await expect(exchange.pipeTo(new CollectingSink())).rejects.toBeInstanceOf(Error);
  });

  it('discards a body so the connection is reused for the next request', async () => {
    const upstream = track(await startLoopbackServer((_req, res) => res.end('x'.repeat(50_000))));
    const shared = pool(upstream.url);
    const first = UpstreamExchange.start(shared, { origin: upstream.url, path: '/1', method: 'GET' });
    expect((await first.head).statusCode).toBe(200);
    await first.discard();
    // The pool marks the connection free right after the body ends.
    await new Promise((resolve) => setImmediate(resolve));
    const second = UpstreamExchange.start(shared, { origin: upstream.url, path: '/2', method: 'GET' });
    await second.head;
    await expect(second.pipeTo(new CollectingSink())).resolves.toBe(50_000);
    expect(new Set(upstream.requests.map((r) => r.socket.remotePort)).size).toBe(1);
  });

  it('aborts a request that was aborted before it started', async () => {
    const upstream = track(await startLoopbackServer((_req, res) => res.end('never read')));
    const exchange = UpstreamExchange.start(pool(upstream.url), { origin: upstream.url, path: '/', method: 'GET' });
    exchange.abort(new Error('client went away'));
    await expect(exchange.head).rejects.toThrow('client went away');
  });

  it('holds at most about 64 KiB of a body the caller has not taken yet, then the rest once it does', async () => {
    const total = 4 * 1024 * 1024;
    const upstream = await startLargeBodyUpstream(total);
    const exchange = UpstreamExchange.start(pool(upstream.url), { origin: upstream.url, path: '/', method: 'GET' });
    await exchange.head;
    // Long enough for the whole 4 MiB to arrive over loopback if nothing held it back.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const sink = new CollectingSink(0, total * 2);
    // What pipeTo writes before it returns is what the exchange held.
    const writes = jest.spyOn(sink, 'write');
    const done = exchange.pipeTo(sink);
    const heldBytes = writes.mock.calls.reduce((sum, [chunk]) => sum + (chunk as Buffer).length, 0);
    writes.mockRestore();
    expect(heldBytes).toBeGreaterThanOrEqual(64 * 1024);
    expect(heldBytes).toBeLessThan(256 * 1024);
    await expect(done).resolves.toBe(total);
    expect(Buffer.concat(sink.chunks).length).toBe(total);
  });

  it('holds the upstream back while the sink is slow instead of buffering the whole body', async () => {
    const total = 4 * 1024 * 1024;
    const upstream = await startLargeBodyUpstream(total);
    const exchange = UpstreamExchange.start(pool(upstream.url), { origin: upstream.url, path: '/', method: 'GET' });
    await exchange.head;
    const sink = new CollectingSink(5);
    const done = exchange.pipeTo(sink);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Without backpressure the whole 4 MiB would sit in the sink's buffer by now.
    expect(sink.writableLength).toBeLessThan(total / 4);
    exchange.abort(new Error('enough'));
    await expect(done).rejects.toThrow('enough');
  });

  it.each([304, 204])('ends a %i whose Content-Length promises a body, instead of failing it as a length mismatch', async (status) => {
    const upstream = track(await startLoopbackServer((_req, res) => res.writeHead(status, { 'content-length': '5', etag: '"v1"' }).end()));
    const exchange = UpstreamExchange.start(pool(upstream.url), { origin: upstream.url, path: '/a', method: 'GET' });
    expect((await exchange.head).statusCode).toBe(status);
    const sink = new CollectingSink();
    expect(await exchange.pipeTo(sink)).toBe(0);
    expect([sink.writableFinished || sink.writableEnded, exchange.bodylessWithLength]).toEqual([true, true]);
  });
});
