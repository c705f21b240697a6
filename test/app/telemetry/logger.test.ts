import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createLogger, isoTimePerMillisecond } from '../../../app/src/telemetry/logger';
import { TEST_BUILD } from '../../helpers/test-gateway';

describe('isoTimePerMillisecond', () => {
  it('formats the time field as pino isoTime does', () => {
    const at = Date.UTC(2026, 10, 23, 8, 30, 0, 123);
    expect(isoTimePerMillisecond(() => at)()).toBe(',"time":"2026-11-23T08:30:00.123Z"');
  });

  it('formats again only when the clock has moved on', () => {
    let clock = Date.UTC(2026, 0, 1, 0, 0, 0, 1);
    const time = isoTimePerMillisecond(() => clock);
    const first = time();
    expect(time()).toBe(first);
    clock += 1;
    expect(time()).toBe(',"time":"2026-01-01T00:00:00.002Z"');
  });

  it('carries the second over at each millisecond, and into the next day and year', () => {
    let clock = Date.UTC(2026, 11, 31, 23, 59, 58, 998);
    const time = isoTimePerMillisecond(() => clock);
    for (let step = 0; step < 2_100; step++, clock++) {
      expect(time()).toBe(`,"time":"${new Date(clock).toISOString()}"`);
    }
    expect(time()).toBe(',"time":"2027-01-01T00:00:01.098Z"');
  });

  it('formats times before 1970 the same way', () => {
    const at = Date.UTC(1969, 11, 31, 23, 59, 59, 7);
    expect(isoTimePerMillisecond(() => at)()).toBe(',"time":"1969-12-31T23:59:59.007Z"');
  });
});

describe('createLogger', () => {
  it('writes one JSON line per call with level label, ISO time, environment and version', () => {
    const dir = mkdtempSync(join(tmpdir(), 'uag-logger-'));
    try {
      const file = join(dir, 'log.ndjson');
      const logger = createLogger({ level: 'info', environment: 'staging', build: TEST_BUILD, destination: pino.destination({ dest: file, sync: true }) });
      logger.info({ route: 'users' }, 'access');
      logger.debug('below the level');
      const lines = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ level: 'info', service: 'uag', env: 'staging', version: TEST_BUILD.version, route: 'users', msg: 'access' });
      expect(new Date(lines[0]!.time as string).toISOString()).toBe(lines[0]!.time);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
