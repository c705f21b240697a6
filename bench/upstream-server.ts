// The upstream every proxy forwards to, run as its own process so it can be pinned away from
// the proxy under test. Usage: node --import tsx bench/upstream-server.ts
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { announcePort, exitWhenParentGoes } from './child-lifeline';
import { UPSTREAM_BODY } from './fixtures';

const body = Buffer.from(UPSTREAM_BODY);
const headers = { 'content-type': 'application/json', 'content-length': String(body.length) };

const server = createServer((request, response) => {
  // Drain any request body so the connection stays reusable.
  request.resume();
  response.writeHead(200, headers);
  response.end(body);
});
// Longer than any warm-up-to-measure gap, so proxies never race an idle close (which would show
// up as stray 502s that are not the proxy's fault).
server.keepAliveTimeout = 120_000;
server.headersTimeout = 121_000;

exitWhenParentGoes();
server.listen(0, '127.0.0.1', () => announcePort((server.address() as AddressInfo).port));
