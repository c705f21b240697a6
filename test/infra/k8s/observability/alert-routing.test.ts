import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { stringify } from 'yaml';
import { ENVIRONMENT_NAMES } from '../../../../infra/environments';
import { ALERTMANAGER, NAMESPACES } from '../../../../infra/k8s/platform-names';
import { readManifests } from '../../../../infra/synth/write-charts';
import { generatedAlertmanagerConfig } from '../../../helpers/alertmanager-config';
import { startAlertmanager, type AlertmanagerAlert } from '../../../helpers/alertmanager-server';
import { useCleanup, useTempDir } from '../../../helpers/cleanup';
import { runTool } from '../../../helpers/debian-tool';
import { startLoopbackServer } from '../../../helpers/loopback-server';

const CHARTS_OUT = join(__dirname, '..', '..', '..', '..', 'charts-out');
/** Where each severity must end up: the routing policy under test. */
const RECEIVER_BY_SEVERITY: Readonly<Record<string, string>> = { critical: 'on-call', warning: 'chat', none: 'default-webhook' };

const tempDir = useTempDir('uag-amtool-');
const track = useCleanup('each');

/** Alertmanager's duration text (`5m`, `1h30m`, `10s`) in seconds. */
function seconds(duration: string): number {
  const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3_600, d: 86_400 };
  return [...duration.matchAll(/(\d+)(ms|s|m|h|d)/g)].reduce((sum, [, amount, unit]) => sum + Number(amount) * units[unit!]!, 0);
}

/** The generated configuration with every receiver replaced by a webhook to `url` on loopback: routing and inhibition as generated, nothing sent elsewhere. */
function withLoopbackReceivers(config: Record<string, any>, url: string): Record<string, unknown> {
  return { ...config, receivers: (config.receivers as { name: string }[]).map(({ name }) => (name === 'null' ? { name } : { name, webhook_configs: [{ url, send_resolved: false }] })) };
}

describe.each(ENVIRONMENT_NAMES)('Alertmanager configuration in charts-out/%s', (environment) => {
  const objects = readManifests(join(CHARTS_OUT, environment));
  const routingConfig = objects.find((o) => o.kind === 'AlertmanagerConfig') as any;
  const receiverName = (receiver: string) => `${routingConfig.metadata.namespace}/${routingConfig.metadata.name}/${receiver}`;
  let configFile: string;
  beforeAll(() => {
    configFile = join(tempDir(), `${environment}-alertmanager.yml`);
    writeFileSync(configFile, stringify(generatedAlertmanagerConfig(objects, ALERTMANAGER.name)));
  });

  it('passes amtool check-config, with placeholder secrets', async () => {
    const run = await runTool('amtool', ['check-config', configFile]);
    expect({ code: run.code, output: run.stdout + run.stderr }).toEqual({ code: 0, output: expect.stringContaining('SUCCESS') });
    expect(run.stdout).toMatch(/Found:\n(.*\n)*\s+- 4 receivers/);
  });

  // Every alert the platform defines, routed with the labels it fires with.
  const alerts = objects
    .filter((o) => o.kind === 'PrometheusRule')
    .flatMap((o: any) => o.spec.groups.flatMap((g: any) => g.rules))
    .filter((rule: any) => rule.alert !== undefined)
    .map((rule: any) => [rule.alert as string, rule.labels.severity as string]);

  it('regression: notifies a group’s changes at most every 5 minutes, not every 10 seconds, after a 30 s wait for alerts starting together', () => {
    const generated = generatedAlertmanagerConfig(objects, ALERTMANAGER.name) as { route: { routes: { group_wait: string; group_interval: string; repeat_interval: string }[] } };
    const [route] = generated.route.routes;
    expect({ wait: seconds(route!.group_wait), interval: seconds(route!.group_interval) }).toEqual({ wait: 30, interval: 300 });
    expect(seconds(route!.repeat_interval)).toBeGreaterThan(seconds(route!.group_interval));
  });

  it('regression: an absent gateway mutes its symptom alerts, and a fast budget burn the slow burn of the same objective, judged by a real Alertmanager', async () => {
    const sink = track(await startLoopbackServer((req, res) => (req.resume(), res.writeHead(200).end())));
    const alertmanager = track(await startAlertmanager(withLoopbackReceivers(generatedAlertmanagerConfig(objects, ALERTMANAGER.name), sink.url)));
    const gateway = NAMESPACES.gateway;
    await alertmanager.post([
      { alertname: 'GatewayAbsent', severity: 'critical', namespace: gateway },
      { alertname: 'GatewayDown', severity: 'critical', namespace: gateway, pod: 'gateway-0' },
      { alertname: 'GatewayErrorBudgetFastBurn', severity: 'critical', slo: 'availability', namespace: gateway },
      // Another gateway, still scraped: nothing mutes its alerts but its own fast burn.
      { alertname: 'GatewayDown', severity: 'critical', namespace: 'elsewhere', pod: 'gateway-0' },
      { alertname: 'GatewayErrorBudgetFastBurn', severity: 'critical', slo: 'availability', namespace: 'elsewhere' },
      { alertname: 'GatewayErrorBudgetSlowBurn', severity: 'warning', slo: 'availability', namespace: 'elsewhere' },
      { alertname: 'GatewayLatencyBudgetSlowBurn', severity: 'warning', slo: 'latency', namespace: 'elsewhere' },
      { alertname: 'Watchdog', severity: 'none' },
    ]);
    /** `alertname/namespace` -> `active`, or `suppressed by <the alert muting it>`. */
    const states = (alerts: readonly AlertmanagerAlert[]) => {
      const name = (alert: AlertmanagerAlert) => `${alert.labels.alertname}/${alert.labels.namespace ?? '-'}`;
      const byFingerprint = new Map(alerts.map((alert) => [alert.fingerprint, name(alert)]));
      return Object.fromEntries(alerts.map((alert) => [name(alert), [alert.status.state, ...alert.status.inhibitedBy.map((f) => byFingerprint.get(f) ?? f)].join(' by ')]));
    };
    const expected = {
      'GatewayAbsent/gateway': 'active',
      'GatewayDown/gateway': 'suppressed by GatewayAbsent/gateway',
      'GatewayErrorBudgetFastBurn/gateway': 'suppressed by GatewayAbsent/gateway',
      'GatewayDown/elsewhere': 'active',
      'GatewayErrorBudgetFastBurn/elsewhere': 'active',
      'GatewayErrorBudgetSlowBurn/elsewhere': 'suppressed by GatewayErrorBudgetFastBurn/elsewhere',
      'GatewayLatencyBudgetSlowBurn/elsewhere': 'active',
      'Watchdog/-': 'active',
    };
    // Alertmanager works out inhibitions as the alerts arrive.
    let last: unknown;
    const deadline = Date.now() + 10_000;
    do {
      last = states(await alertmanager.alerts());
      if (isDeepStrictEqual(last, expected)) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    } while (Date.now() < deadline);
    expect(last).toEqual(expected);
  }, 30_000);

  it.each(alerts)('routes %s (severity %s) to its receiver', async (alertname, severity) => {
    const expected = RECEIVER_BY_SEVERITY[severity];
    expect(expected).toBeDefined();
    const labels = [`alertname=${alertname}`, `severity=${severity}`, `namespace=${NAMESPACES.gateway}`];
    const run = await runTool('amtool', ['config', 'routes', 'test', `--config.file=${configFile}`, `--verify.receivers=${receiverName(expected!)}`, ...labels]);
    expect({ code: run.code, receivers: run.stdout.trim() || run.stderr }).toEqual({ code: 0, receivers: receiverName(expected!) });
  });
});
