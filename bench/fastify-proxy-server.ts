// The reference point for the gateway: @fastify/http-proxy with nothing else switched on.
// Usage: node --import tsx bench/fastify-proxy-server.ts <upstream-url>
import type { AddressInfo } from 'node:net';
import proxy from '@fastify/http-proxy';
import Fastify from 'fastify';
import { announcePort, exitWhenParentGoes } from './child-lifeline';

async function main(): Promise<void> {
  const upstream = process.argv[2];
  if (upstream === undefined) throw new Error('usage: fastify-proxy-server.ts <upstream-url>');
  const app = Fastify({ logger: false });
  await app.register(proxy, { upstream });
  exitWhenParentGoes();
  await app.listen({ host: '127.0.0.1', port: 0 });
  announcePort((app.server.address() as AddressInfo).port);
}

main().catch((error: unknown) => {
  process.stderr.write(`fastify-proxy-server: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
