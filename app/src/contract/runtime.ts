/**
 * How the gateway process is started: `node`, these flags, the bundle (relative to the working
 * directory, /app in the image). app/Dockerfile's ENTRYPOINT and `npm start` spell the same
 * command out, and a test (test/bench/gateway-command.test.ts) holds them to it; the benchmarks
 * and the process tests build theirs from here, so what is measured is what ships.
 *
 * --max-semi-space-size=4 caps V8's young generation at 2 x 4 MiB instead of 2 x 16 MiB. Once a
 * burst of connections has grown it, a full young generation stays resident until a GC that
 * runs with allocation calm shrinks it, and an idle gateway allocates nothing: after 9,975
 * WebSockets opened, RSS sat at 177 MiB with no GC for as long as it was watched. With the cap the
 * burst promotes enough to trigger full GCs, V8's memory reducer follows 13-24 s later and RSS
 * settles at 120-124 MiB (bench/idle-websockets.ts; 77 MiB at rest either way once settled).
 * The price is more scavenges under HTTP load: GC pauses went from 3.2 to 5.5 ms per 1,000 proxied
 * requests, about 3 % more CPU per request (measured on a shared 2-CPU machine). 8 MiB costs
 * half that but leaves the 10,000 at 149 MiB with no GC; 16 MiB is V8's default.
 *
 * No --enable-source-maps: Node then parses and keeps the source map of every loaded module that
 * has one, which cost 13 MiB more RSS at rest and more garbage per connection. The .map still
 * ships beside the bundle; to map a stack trace, run with NODE_OPTIONS=--enable-source-maps.
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];
export const GATEWAY_BUNDLE_PATH = 'app/dist/main.js';
