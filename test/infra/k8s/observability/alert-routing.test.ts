import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ENVIRONMENT_NAMES } from '../../../../infra/environments';
import { ALERTMANAGER, NAMESPACES } from '../../../../infra/k8s/platform-names';
import { readManifests } from '../../../../infra/synth/write-charts';
import { generatedAlertmanagerConfig } from '../../../helpers/alertmanager-config';
import { useTempDir } from '../../../helpers/cleanup';
import { runTool } from '../../../helpers/debian-tool';

const CHARTS_OUT = join(__dirname, '..', '..', '..', '..', 'charts-out');
/** Where each severity must end up: the routing policy under test. */
const RECEIVER_BY_SEVERITY: Readonly<Record<string, string>> = { critical: 'on-call', warning: 'chat', none: 'default-webhook' };

const tempDir = useTempDir('uag-amtool-');

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

  it.each(alerts)('routes %s (severity %s) to its receiver', async (alertname, severity) => {
    const expected = RECEIVER_BY_SEVERITY[severity];
    expect(expected).toBeDefined();
    const labels = [`alertname=${alertname}`, `severity=${severity}`, `namespace=${NAMESPACES.gateway}`];
    const run = await runTool('amtool', ['config', 'routes', 'test', `--config.file=${configFile}`, `--verify.receivers=${receiverName(expected!)}`, ...labels]);
    expect({ code: run.code, receivers: run.stdout.trim() || run.stderr }).toEqual({ code: 0, receivers: receiverName(expected!) });
  });
});
