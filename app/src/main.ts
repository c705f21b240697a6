import { readBuildInfo } from './build-info';
import { ConfigError } from './config/config-error';
import { loadEnvConfig, type EnvConfig } from './config/env-config';
import { loadRouteTableFile } from './config/route-table-loader';
import type { RouteTable } from './contract';
import { Gateway } from './gateway';
import { createLogger } from './telemetry/logger';
import { startTracing } from './telemetry/tracing';

/** sysexits.h EX_CONFIG: the process was started with configuration it cannot use. */
const EXIT_BAD_CONFIG = 78;
const SIGNAL_EXIT_CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

function loadConfig(): { env: EnvConfig; routeTable: RouteTable } {
  try {
    const env = loadEnvConfig(process.env);
    return { env, routeTable: loadRouteTableFile(env.UAG_ROUTES_FILE) };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) process.stderr.write(`uag: invalid configuration: ${problem}\n`);
    process.exit(EXIT_BAD_CONFIG);
  }
}

async function main(): Promise<void> {
  const { env, routeTable } = loadConfig();
  const build = readBuildInfo();
  const logger = createLogger({ level: env.LOG_LEVEL, environment: env.UAG_ENV, build });
  logger.info({ commit: build.commit, build_time: build.buildTime, in_kubernetes: env.inKubernetes }, 'uag starting');
  const tracing = await startTracing(env, build, logger);
  // Handlers go in before the listeners open: "gateway serving" is on stdout the moment it is
  // logged, and a SIGTERM right after it must drain, not kill the process with the default action.
  const started = Gateway.start({ env, routeTable, logger, build, tracer: tracing.requestTracer });

  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting at once');
      logger.flush();
      process.exit(SIGNAL_EXIT_CODES[signal] ?? 1);
    }
    stopping = true;
    void started
      .then((gateway) => gateway.shutdown(signal))
      .then(() => tracing.shutdown())
      .then(() => {
        logger.info('telemetry flushed; exiting');
        logger.flush(() => process.exit(0));
      });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  await started;
}

main().catch((error: unknown) => {
  process.stderr.write(`uag: failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
