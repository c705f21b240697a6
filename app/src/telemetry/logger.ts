import pino, { type Logger } from 'pino';
import type { BuildInfo } from '../build-info';

export type { Logger };

export interface LoggerOptions {
  readonly level: string;
  readonly environment: string;
  readonly build: BuildInfo;
  /** Where lines go. @default stdout, written asynchronously */
  readonly destination?: pino.DestinationStream;
}

/** JSON logs with ISO timestamps; every line carries the environment and the build version. */
export function createLogger(options: LoggerOptions): Logger {
  const destination = options.destination ?? pino.destination({ dest: 1, sync: false });
  return pino(
    {
      level: options.level,
      base: { service: 'uag', env: options.environment, version: options.build.version },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
