import pino from 'pino';
import { accessLogFor, type AccessRecord } from '../../../app/src/telemetry/access-log';
import { createLogger, type Logger } from '../../../app/src/telemetry/logger';
import { TEST_BUILD } from '../../helpers/test-gateway';

const RECORD: AccessRecord = {
  method: 'GET',
  route: 'users',
  path: '/api/users/"quoted"\n\\back\u2028é',
  status: 200,
  duration_ms: 12.345,
  client_ip: '10.0.0.7',
  request_id: 'req-1',
  bytes: 49,
  trace_id: '0af7651916cd43dd8448eb211c80319c',
  span_id: 'b7ad6b7169203331',
};

const FIXED_TIME = () => ',"time":"2026-11-23T08:30:00.123Z"';

/** A logger built by `build`, writing its lines into an array. */
function capture(build: (destination: pino.DestinationStream) => Logger): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: build({ write: (line: string) => void lines.push(line) }), lines };
}

function gatewayLogger(level = 'info') {
  return capture((destination) => createLogger({ level, environment: 'prod', build: TEST_BUILD, destination }));
}

describe('accessLogFor', () => {
  it('writes the line logger.info would write for the same record, byte for byte', () => {
    const { logger, lines } = capture((destination) => pino({ base: { service: 'uag', env: 'prod' }, timestamp: FIXED_TIME, formatters: { level: (label) => ({ level: label }) } }, destination));
    accessLogFor(logger)(RECORD);
    logger.info({ msg: 'access', ...RECORD });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(lines[1]);
  });

  it("frames the line with the gateway logger's level, time, environment and version", () => {
    const { logger, lines } = gatewayLogger();
    accessLogFor(logger)(RECORD);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith('}\n')).toBe(true);
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toEqual({ level: 'info', time: expect.any(String), service: 'uag', env: 'prod', version: TEST_BUILD.version, msg: 'access', ...RECORD });
    expect(new Date(line.time as string).toISOString()).toBe(line.time);
  });

  it('leaves out fields that are undefined, as pino does', () => {
    const { logger, lines } = gatewayLogger();
    accessLogFor(logger)({ ...RECORD, bytes: undefined, trace_id: undefined, span_id: undefined, aborted: undefined });
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).not.toHaveProperty('bytes');
    expect(line).not.toHaveProperty('trace_id');
    expect(line).not.toHaveProperty('aborted');
  });

  it('writes nothing when the level is above info, and follows a level changed at run time', () => {
    const { logger, lines } = gatewayLogger('warn');
    const accessLog = accessLogFor(logger);
    accessLog(RECORD);
    expect(lines).toHaveLength(0);
    logger.level = 'info';
    accessLog(RECORD);
    expect(lines).toHaveLength(1);
  });

  it('carries bindings added after it was made', () => {
    const { logger, lines } = gatewayLogger();
    const accessLog = accessLogFor(logger);
    logger.setBindings({ pod: 'uag-7d9f' });
    accessLog(RECORD);
    expect(JSON.parse(lines[0]!)).toMatchObject({ pod: 'uag-7d9f', msg: 'access' });
  });

  it('hands the record to logger.info when the logger changes logged objects (here: redaction), so nothing is skipped', () => {
    const { logger, lines } = capture((destination) => pino({ redact: ['client_ip'] }, destination));
    accessLogFor(logger)(RECORD);
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'access', client_ip: '[Redacted]', route: 'users' });
  });

  it('honours a mixin by the same route', () => {
    const { logger, lines } = capture((destination) => pino({ mixin: () => ({ zone: 'eu-west-1a' }) }, destination));
    accessLogFor(logger)(RECORD);
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'access', zone: 'eu-west-1a', path: RECORD.path });
  });
});
