// The bench's OTLP sink as its own process, pinned with the load generator but off its event loop.
// Usage: node --import tsx bench/otlp-sink-server.ts
import { announcePort, exitWhenParentGoes } from './child-lifeline';
import { OtlpSink } from './otlp-sink';

OtlpSink.start()
  .then((sink) => {
    exitWhenParentGoes();
    announcePort(Number(new URL(sink.endpoint).port));
  })
  .catch((error: unknown) => {
    process.stderr.write(`otlp-sink-server: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
