import { Transform, type Readable } from 'node:stream';

/**
 * Streams `source` through while counting; past `maxBytes` the stream errors and `onExceeded`
 * runs, so the upstream request is aborted and the caller can answer 413. Used only for bodies
 * without Content-Length (the HTTP parser already enforces a declared length).
 */
export function limitBody(source: Readable, maxBytes: number, onExceeded: () => void): Readable {
  let seen = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > maxBytes) {
        onExceeded();
        callback(new Error(`request body exceeds ${maxBytes} bytes`));
        return;
      }
      callback(null, chunk);
    },
  });
  source.on('error', (error) => counter.destroy(error));
  return source.pipe(counter);
}
