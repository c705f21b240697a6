import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpGet } from './probe';

export interface PathCount {
  readonly posts: number;
  readonly bytes: number;
}

/** Per request path: `/v1/traces`, and anything else the SDK decides to send. */
export type SinkCounts = ReadonlyMap<string, PathCount>;

/** Where the sink answers `GET` with what it has counted so far, as `[path, PathCount][]` JSON. */
const COUNTS_PATH = '/counts';

/**
 * Stands in for an OpenTelemetry collector so tracing runs for real (spans are built, batched,
 * serialised and sent) without a collector's own CPU landing on the bench machine's cores.
 * It accepts and counts, never decodes.
 */
export class OtlpSink {
  private readonly counts = new Map<string, { posts: number; bytes: number }>();
  private readonly server: Server;

  private constructor() {
    this.server = createServer((request, response) => {
      const path = (request.url ?? '/').split('?')[0]!;
      if (request.method === 'GET' && path === COUNTS_PATH) {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify([...this.snapshot()]));
        return;
      }
      const entry = this.counts.get(path) ?? { posts: 0, bytes: 0 };
      this.counts.set(path, entry);
      request.on('data', (chunk: Buffer) => {
        entry.bytes += chunk.length;
      });
      request.on('end', () => {
        entry.posts += 1;
        // An empty body is a valid (empty) Export*ServiceResponse in protobuf; JSON needs an object.
        const json = (request.headers['content-type'] ?? '').includes('json');
        response.writeHead(request.method === 'POST' ? 200 : 405, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
        response.end(json ? '{}' : undefined);
      });
    });
  }

  static async start(): Promise<OtlpSink> {
    const sink = new OtlpSink();
    await new Promise<void>((resolve, reject) => {
      sink.server.once('error', reject);
      sink.server.listen(0, '127.0.0.1', () => resolve());
    });
    return sink;
  }

  /** Base URL for OTEL_EXPORTER_OTLP_ENDPOINT. */
  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  snapshot(): SinkCounts {
    return new Map([...this.counts].map(([path, c]) => [path, { ...c }]));
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * The counts of a sink in another process (bench/otlp-sink-server.ts). The bench runs its sink
 * there: in the load generator's own process, every export the gateway sent held up the client
 * while the gateway was measured, and a client that falls behind raises the proxy's CPU per request.
 */
export async function remoteSinkCounts(endpoint: string): Promise<SinkCounts> {
  const { status, body } = await httpGet(`${endpoint}${COUNTS_PATH}`);
  if (status !== 200) throw new Error(`OTLP sink at ${endpoint} answered ${status} to GET ${COUNTS_PATH}: ${body.slice(0, 200)}`);
  return new Map(JSON.parse(body) as [string, PathCount][]);
}

/** What arrived between two snapshots. */
export function sinkDelta(before: SinkCounts, after: SinkCounts): SinkCounts {
  const delta = new Map<string, PathCount>();
  for (const [path, now] of after) {
    const then = before.get(path) ?? { posts: 0, bytes: 0 };
    if (now.posts > then.posts || now.bytes > then.bytes) delta.set(path, { posts: now.posts - then.posts, bytes: now.bytes - then.bytes });
  }
  return delta;
}
