import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

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
