import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PathCount {
  readonly posts: number;
  readonly bytes: number;
}

/** Per request path: `/v1/traces`, and anything else the SDK decides to send. */
export type SinkCounts = ReadonlyMap<string, PathCount>;

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

/** What arrived between two snapshots. */
export function sinkDelta(before: SinkCounts, after: SinkCounts): SinkCounts {
  const delta = new Map<string, PathCount>();
  for (const [path, now] of after) {
    const then = before.get(path) ?? { posts: 0, bytes: 0 };
    if (now.posts > then.posts || now.bytes > then.bytes) delta.set(path, { posts: now.posts - then.posts, bytes: now.bytes - then.bytes });
  }
  return delta;
}
