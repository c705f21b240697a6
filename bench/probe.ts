import { request } from 'node:http';
import { createServer } from 'node:net';

const PROBE_TIMEOUT_MS = 2000;

/** One GET on a fresh connection, so no probe socket lingers into the measured run. */
export function httpGet(url: string, headers: Readonly<Record<string, string>> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, timeout: PROBE_TIMEOUT_MS, headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: no answer within ${PROBE_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** Polls `url` until it answers `status`, or fails after `timeoutMs` with the last thing it saw. */
export async function waitForStatus(url: string, status: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const response = await httpGet(url);
      if (response.status === status) return;
      last = `HTTP ${response.status} ${response.body.slice(0, 200)}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`GET ${url} did not answer ${status} within ${timeoutMs} ms (last: ${last})`);
}

/**
 * A port that was free a moment ago, for programs that must be told their port up front (the
 * gateway, nginx). The bench's own servers bind port 0 themselves and say which port they got.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
