import { mkdtempSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { stringify } from 'yaml';
import { ENVIRONMENTS, ENVIRONMENT_NAMES } from '../../../../../infra/environments';
import { NAMESPACES } from '../../../../../infra/k8s/platform-names';
import { alertGroups, toRule } from '../../../../../infra/k8s/observability/alerts';
import { gatewayTargetSelector } from '../../../../../infra/k8s/observability/gateway-monitoring';
import { readManifests } from '../../../../../infra/synth/write-charts';
import { useTempDir } from '../../../../helpers/cleanup';
import { runTool } from '../../../../helpers/debian-tool';
import { writeRuleFiles } from '../../../../helpers/prometheus-rules';
import { ruleTestFiles } from '../../../../helpers/promtool-rule-tests';
import { serviceMonitorTargets, targetInNamespace } from '../../../../helpers/service-monitor-targets';
import { alertScenarios } from './alert-scenarios';
import { lowTrafficCase } from './burn-rate-scenarios';

const CHARTS_OUT = join(__dirname, '..', '..', '..', '..', '..', 'charts-out');

const tempDir = useTempDir('uag-promtool-');
/** The burn-rate cases evaluate every rule over days of series. */
const PROMTOOL_TIMEOUT_MS = 120_000;

describe.each(ENVIRONMENT_NAMES)('alert rules in charts-out/%s', (environment) => {
  const objects = readManifests(join(CHARTS_OUT, environment));
  const spec = ENVIRONMENTS[environment];

  it('pass promtool check rules, every PrometheusRule', async () => {
    const files = writeRuleFiles(objects, mkdtempSync(join(tempDir(), `${environment}-check-`)));
    expect(files.length).toBeGreaterThan(0);
    const run = await runTool('promtool', ['check', 'rules', ...files]);
    expect({ code: run.code, output: run.stdout + run.stderr }).toEqual({ code: 0, output: expect.not.stringMatching(/FAILED|error/i) });
  });

  it('pass promtool test rules: every alert silent just below its threshold and for, firing at them with its labels and annotations; error-budget alerts at and around each burn rate; and (regression) no alert on 1 failed request out of 2 at low traffic', async () => {
    const ruleDir = mkdtempSync(join(tempDir(), `${environment}-test-`));
    const ruleFiles = writeRuleFiles(objects, ruleDir);
    const target = targetInNamespace(serviceMonitorTargets(objects, 'gateway-0'), NAMESPACES.gateway).labels;
    const definitions = alertGroups({
      selector: gatewayTargetSelector(target.job!, target.namespace!),
      namespace: target.namespace!,
      thresholds: spec.alerts,
      slo: spec.slo,
      resources: spec.gateway.resources,
    }).flatMap((group) => group.alerts);
    // The scenarios follow the TypeScript definitions; the rules promtool loads are the committed ones.
    const committedRules = objects.filter((o) => o.kind === 'PrometheusRule').flatMap((o: any) => o.spec.groups.flatMap((g: any) => g.rules));
    expect(committedRules.filter((rule: any) => rule.alert !== undefined)).toEqual(definitions.map(toRule));

    const context = { target, slo: spec.slo };
    const scenarios = alertScenarios({ ...context, thresholds: spec.alerts, resources: spec.gateway.resources, definitions });
    const lowTraffic = lowTrafficCase(definitions, context);
    const testFiles = ruleTestFiles(ruleFiles.map((file) => basename(file)), definitions, scenarios, [lowTraffic]).map((content, index) => {
      const file = join(ruleDir, `alerts-${index}.test.yaml`);
      writeFileSync(file, stringify(content));
      return file;
    });
    const run = await runTool('promtool', ['test', 'rules', ...testFiles], { cwd: ruleDir, timeoutMs: PROMTOOL_TIMEOUT_MS });
    expect({ code: run.code, output: run.stdout + run.stderr }).toEqual({ code: 0, output: expect.stringContaining('SUCCESS') });
  }, PROMTOOL_TIMEOUT_MS + 5_000);
});
