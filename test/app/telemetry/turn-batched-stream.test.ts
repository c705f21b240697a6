import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { TurnBatchedStream, type SyncLineSink } from '../../../app/src/telemetry/turn-batched-stream';

function recordingSink(): SyncLineSink & { writes: string[]; syncFlushes: number } {
  const sink = {
    writes: [] as string[],
    syncFlushes: 0,
    write(data: string) {
      sink.writes.push(data);
    },
    flushSync() {
      sink.syncFlushes += 1;
    },
  };
  return sink;
}

const endOfTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('TurnBatchedStream', () => {
  it('hands the lines of one turn to the sink as one write, in order, when the turn ends', async () => {
    const sink = recordingSink();
    const stream = new TurnBatchedStream(sink);
    stream.write('a\n');
    stream.write('b\n');
    stream.write('c\n');
    expect(sink.writes).toEqual([]);
    await endOfTurn();
    expect(sink.writes).toEqual(['a\nb\nc\n']);
  });

  it('writes each later turn separately and nothing for a turn without lines', async () => {
    const sink = recordingSink();
    const stream = new TurnBatchedStream(sink);
    stream.write('first\n');
    await endOfTurn();
    await endOfTurn();
    stream.write('second\n');
    await endOfTurn();
    expect(sink.writes).toEqual(['first\n', 'second\n']);
  });

  it('writes what it holds at once on flushSync and flush, then flushes the sink', async () => {
    const sink = recordingSink();
    const stream = new TurnBatchedStream(sink);
    stream.write('held\n');
    stream.flushSync();
    expect(sink.writes).toEqual(['held\n']);
    expect(sink.syncFlushes).toBe(1);

    stream.write('again\n');
    const flushed = jest.fn();
    stream.flush(flushed);
    expect(sink.writes).toEqual(['held\n', 'again\n']);
    expect(flushed).toHaveBeenCalledTimes(1);
    await endOfTurn();
    expect(sink.writes).toHaveLength(2);
  });
});

describe('the gateway logger on stdout', () => {
  const logger = join(__dirname, '..', '..', '..', 'app', 'src', 'telemetry', 'logger.ts');
  const script = (exit: string) =>
    `const { createLogger } = require(${JSON.stringify(logger)});` +
    `const log = createLogger({ level: 'info', environment: 'local', build: { version: '1', commit: 'c', buildTime: 't' } });` +
    `log.info('one'); log.warn('two'); ${exit}`;
  const run = (exit: string) => {
    try {
      return execFileSync(process.execPath, ['--import', 'tsx', '-e', script(exit)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 20_000 });
    } catch (error) {
      return (error as { stdout: string }).stdout;
    }
  };
  const messages = (stdout: string) => stdout.trim().split('\n').map((line) => (JSON.parse(line) as { msg: string }).msg);

  it('keeps the lines of a turn that ends in process.exit', () => {
    expect(messages(run('process.exit(3);'))).toEqual(['one', 'two']);
  });

  it('keeps the lines of a turn that ends in an uncaught exception', () => {
    expect(messages(run("throw new Error('boom');"))).toEqual(['one', 'two']);
  });
});
