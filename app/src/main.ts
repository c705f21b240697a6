import { readBuildInfo } from './build-info';
import { ConfigError } from './config/config-error';
import { loadEnvConfig } from './config/env-config';
import { parseRouteTableText, readRouteTableText } from './config/route-table-loader';
import { describeUnknownVariable, unknownGatewayVariables } from './config/unknown-variables';
import { Gateway } from './gateway';
import { ListenError } from './server/listen-error';
import { createLogger } from './telemetry/logger';
import { startTracing } from './telemetry/tracing';

/** sysexits.h EX_CONFIG: the process was started with configuration it cannot use. */
const EXIT_BAD_CONFIG = 78;
/** Anything else that stops the start-up: a port in use, an unexpected error. */
const EXIT_START_FAILED = 1;
const SIGNAL_EXIT_CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

async function main(): Promise<void> {
  const env = loadEnvConfig(process.env);
  const routesFile = readRouteTableText(env.UAG_ROUTES_FILE);
  const routeTable = parseRouteTableText(routesFile.text, env.UAG_ROUTES_FILE);
  const build = readBuildInfo();
  const logger = createLogger({ level: env.LOG_LEVEL, environment: env.UAG_ENV, build });
  logger.info({ commit: build.commit, build_time: build.buildTime, in_kubernetes: env.inKubernetes }, 'uag starting');
  for (const unknown of unknownGatewayVariables(process.env)) {
    logger.warn({ variable: unknown.name, did_you_mean: unknown.suggestion }, describeUnknownVariable(unknown));
  }
  const tracing = await startTracing(env, build, logger);
  // Handlers go in before the listeners open: "gateway serving" is on stdout the moment it is
  // logged, and a SIGTERM right after it must drain, not kill the process with the default action.
  const started = Gateway.start({ env, routeTable, routesChecksum: routesFile.checksum, watchRoutesFile: true, logger, build, tracer: tracing.requestTracer });

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
  // SIGHUP re-reads the route table at once (its default action would end the process).
  process.on('SIGHUP', () => {
    logger.info({ signal: 'SIGHUP' }, 're-reading the route table');
    void started.then((gateway) => gateway.rereadRoutesFile(), () => undefined);
  });
  await started;
}

/**
 * Configuration problems (found while loading, or while the gateway builds what the route table
 * asks for, such as a JWT key) and listeners that cannot bind are the operator's to fix: one line
 * each, no stack. Anything else is a bug and keeps its stack.
 */
function reportStartFailure(error: unknown): never {
  if (error instanceof ConfigError) {
    for (const problem of error.problems) process.stderr.write(`uag: invalid configuration: ${problem}\n`);
    process.exit(EXIT_BAD_CONFIG);
  }
  if (error instanceof ListenError) {
    process.stderr.write(`uag: cannot start: ${error.message}\n`);
    process.exit(EXIT_START_FAILED);
  }
  process.stderr.write(`uag: failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(EXIT_START_FAILED);
}

main().catch(reportStartFailure);
