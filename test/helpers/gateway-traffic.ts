import { connect } from 'node:net';
import { request, WebSocket } from 'undici';

/** Paths (and their expected statuses) covering successes, 4xx, 5xx and slow answers. */
export const TRAFFIC_MIX: readonly { readonly path: string; readonly times: number; readonly status: number }[] = [
  { path: '/api/users/profile', times: 20, status: 200 },
  { path: '/api/users/missing?status=404', times: 5, status: 404 },
  { path: '/no-such-route', times: 5, status: 404 },
  { path: '/api/users/flaky?status=503', times: 5, status: 503 },
  { path: '/api/broken/any', times: 3, status: 502 },
  // Above every environment's p95 latency threshold, so the slow buckets fill.
  { path: '/api/users/slow?delayMs=700', times: 3, status: 200 },
];

/** The HTTP routes the mix needs: `users` on the scripted upstream, `broken` on a refused port. */
export function httpRoutes(upstreamUrl: string, refusedUrl: string): object[] {
  return [
    { name: 'users', match: { pathPrefix: '/api/users' }, upstream: { url: upstreamUrl } },
    { name: 'broken', match: { pathPrefix: '/api/broken' }, upstream: { url: refusedUrl } },
  ];
}

/** Sends the mix concurrently; returns the paths whose status differed from the expected one. */
export async function sendTrafficMix(baseUrl: string): Promise<string[]> {
  const sends = TRAFFIC_MIX.flatMap(({ path, times, status }) =>
    Array.from({ length: times }, async () => {
      const response = await request(`${baseUrl}${path}`, { headersTimeout: 10_000, bodyTimeout: 10_000 });
      await response.body.dump();
      return response.statusCode === status ? undefined : `${path}: ${response.statusCode} (expected ${status})`;
    }),
  );
  return (await Promise.all(sends)).filter((problem): problem is string => problem !== undefined);
}

/** Sends `count` GETs to `url`, `concurrency` at a time; returns the statuses in completion order per batch. */
export async function sendRequests(url: string, count: number, concurrency = 25): Promise<number[]> {
  const statuses: number[] = [];
  for (let sent = 0; sent < count; sent += concurrency) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(concurrency, count - sent) }, async () => {
        const response = await request(url, { headersTimeout: 10_000, bodyTimeout: 10_000 });
        await response.body.dump();
        return response.statusCode;
      }),
    );
    statuses.push(...batch);
  }
  return statuses;
}

function withTimeout<T>(what: string, promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Opens a WebSocket through the gateway, has one message echoed, and closes it. */
export async function webSocketRoundTrip(url: string, message: string): Promise<string> {
  const socket = new WebSocket(url);
  try {
    return await withTimeout(
      `WebSocket ${url}`,
      new Promise<string>((resolve, reject) => {
        socket.addEventListener('open', () => socket.send(message));
        socket.addEventListener('message', (event) => resolve(String(event.data)));
        socket.addEventListener('error', () => reject(new Error(`WebSocket ${url} failed`)));
      }),
      5_000,
    );
  } finally {
    socket.close();
  }
}

/** Opens a TCP connection to the gateway's listener, has some bytes echoed, and ends it. */
export async function tcpRoundTrip(port: number, message: string): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  try {
    return await withTimeout(
      `TCP 127.0.0.1:${port}`,
      new Promise<string>((resolve, reject) => {
        let received = '';
        socket.on('connect', () => socket.write(message));
        socket.on('data', (chunk: Buffer) => {
          received += chunk.toString('utf8');
          if (received.length >= message.length) resolve(received);
        });
        socket.on('error', reject);
      }),
      5_000,
    );
  } finally {
    socket.destroy();
  }
}
