/**
 * How the gateway process is started: `node`, these flags, the bundle (relative to the working
 * directory, /app in the image). app/Dockerfile's ENTRYPOINT and `npm start` spell the same
 * command out, and a test (test/bench/gateway-command.test.ts) holds them to it; the benchmarks
 * and the process tests build theirs from here, so what is measured is what ships.
 *
 * No flags. --enable-source-maps made Node parse and keep the source map of every loaded module
 * that has one: 13 MiB more RSS at rest and more garbage per connection, measured with
 * bench/idle-websockets.ts. The .map still ships beside the bundle; to map a stack trace, run with
 * NODE_OPTIONS=--enable-source-maps.
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = [];
export const GATEWAY_BUNDLE_PATH = 'app/dist/main.js';
