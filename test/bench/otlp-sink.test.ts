import { request } from 'node:http';
import { OtlpSink, remoteSinkCounts, sinkDelta } from '../../bench/otlp-sink';

function post(endpoint: string, path: string, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${endpoint}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('OtlpSink counts read from another process', () => {
  let sink: OtlpSink;

  beforeEach(async () => {
    sink = await OtlpSink.start();
  });

  afterEach(async () => {
    await sink.stop();
  });

  it('answers GET /counts with what its own snapshot holds', async () => {
    const before = await remoteSinkCounts(sink.endpoint);
    expect(before.size).toBe(0);
    expect(await post(sink.endpoint, '/v1/traces', Buffer.alloc(300))).toBe(200);
    expect(await post(sink.endpoint, '/v1/traces', Buffer.alloc(200))).toBe(200);
    const after = await remoteSinkCounts(sink.endpoint);
    expect(after).toEqual(sink.snapshot());
    expect(sinkDelta(before, after)).toEqual(new Map([['/v1/traces', { posts: 2, bytes: 500 }]]));
  });

  it('names the sink and the answer when the counts cannot be read', async () => {
    const url = `${sink.endpoint}/not-a-sink`;
    await expect(remoteSinkCounts(url)).rejects.toThrow(`OTLP sink at ${url} answered 405 to GET /counts`);
  });
});
