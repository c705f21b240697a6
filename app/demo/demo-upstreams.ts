import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RouteTable } from '../src/contract';

/** A tiny JSON service that echoes what it received, to see what the gateway forwards. */
export function startDemoService(name: string, port: number, host = '127.0.0.1'): Promise<Server> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.stringify({
        service: name,
        method: request.method,
        url: request.url,
        headers: request.headers,
        bodyBytes: Buffer.concat(chunks).length,
      });
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      response.end(body);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

export function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

export interface DemoUpstream {
  /** What the echo answers as `service`: the Kubernetes Service name when the route names one, else the route's. */
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The loopback HTTP addresses a route table sends to outside Kubernetes (`url`, `localUrl`, also
 * inside variants), once each: where a local run needs something answering.
 */
export function loopbackUpstreamsOf(table: RouteTable): DemoUpstream[] {
  const found = new Map<string, DemoUpstream>();
  for (const route of table.routes) {
    const targets = route.upstream.variants ?? [route.upstream];
    for (const target of targets) {
      const urls = [target.url ?? [], target.localUrl ?? []].flat();
      for (const url of urls.map((text) => new URL(text))) {
        if (url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname)) continue;
        const host = url.hostname.replace(/^\[|\]$/g, '');
        const port = Number(url.port || 80);
        const key = `${host}:${port}`;
        if (!found.has(key)) found.set(key, { name: target.service ?? route.name, host, port });
      }
    }
  }
  return [...found.values()];
}
