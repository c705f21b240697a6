import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface LoopbackServer {
  readonly server: Server;
  readonly port: number;
  readonly url: string;
  /** Requests seen, newest last. */
  readonly requests: IncomingMessage[];
  /** Every byte received on every connection so far, in arrival order. */
  receivedBytes(): Buffer;
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 and an OS-picked port; `close` also drops open sockets. */
export async function startLoopbackServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<LoopbackServer> {
  const requests: IncomingMessage[] = [];
  const received: Buffer[] = [];
  const sockets = new Set<Socket>();
  const listener: RequestListener = (req, res) => {
    requests.push(req);
    handler(req, res);
  };
  const server = createServer(listener);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}`,
    requests,
    receivedBytes: () => Buffer.concat(received),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The requests `server` received while `action` ran. */
export async function requestsDuring(server: LoopbackServer, action: () => Promise<unknown>): Promise<IncomingMessage[]> {
  const before = server.requests.length;
  await action();
  return server.requests.slice(before);
}

/** Answers JSON describing what arrived: method, url, headers, body length. */
export function echoHandler(req: IncomingMessage, res: ServerResponse): void {
  let bytes = 0;
  req.on('data', (chunk: Buffer) => (bytes += chunk.length));
  req.on('end', () => {
    const body = JSON.stringify({ method: req.method, url: req.url, headers: req.headers, bodyBytes: bytes });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
}

/** A port that was free a moment ago and has nothing listening now: connections are refused. */
export async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
