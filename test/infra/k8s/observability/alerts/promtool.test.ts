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
import { ruleTestFile } from '../../../../helpers/promtool-rule-tests';
import { serviceMonitorTargets, targetInNamespace } from '../../../../helpers/service-monitor-targets';
import { alertScenarios } from './alert-scenarios';

const CHARTS_OUT = join(__dirname, '..', '..', '..', '..', '..', 'charts-out');

const tempDir = useTempDir('uag-promtool-');

describe.each(ENVIRONMENT_NAMES)('alert rules in charts-out/%s', (environment) => {
  const objects = readManifests(join(CHARTS_OUT, environment));
  const spec = ENVIRONMENTS[environment];

  it('pass promtool check rules, every PrometheusRule', async () => {
    const files = writeRuleFiles(objects, mkdtempSync(join(tempDir(), `${environment}-check-`)));
    expect(files.length).toBeGreaterThan(0);
    const run = await runTool('promtool', ['check', 'rules', ...files]);
    expect({ code: run.code, output: run.stdout + run.stderr }).toEqual({ code: 0, output: expect.not.stringMatching(/FAILED|error/i) });
  });

  it('pass promtool test rules: every alert silent just below its threshold and for, firing at them with its labels and annotations', async () => {
    const ruleDir = mkdtempSync(join(tempDir(), `${environment}-test-`));
    const ruleFiles = writeRuleFiles(objects, ruleDir);
    const target = targetInNamespace(serviceMonitorTargets(objects, 'gateway-0'), NAMESPACES.gateway).labels;
    const definitions = alertGroups({
      selector: gatewayTargetSelector(target.job!, target.namespace!),
      thresholds: spec.alerts,
      resources: spec.gateway.resources,
    }).flatMap((group) => group.alerts);
    // The scenarios follow the TypeScript definitions; the rules promtool loads are the committed ones.
    const committedRules = objects.filter((o) => o.kind === 'PrometheusRule').flatMap((o: any) => o.spec.groups.flatMap((g: any) => g.rules));
    expect(committedRules.filter((rule: any) => rule.alert !== undefined)).toEqual(definitions.map(toRule));

    const testFile = join(ruleDir, 'alerts.test.yaml');
    const scenarios = alertScenarios({ target, thresholds: spec.alerts, resources: spec.gateway.resources });
    writeFileSync(testFile, stringify(ruleTestFile(ruleFiles.map((file) => basename(file)), definitions, scenarios)));
    const run = await runTool('promtool', ['test', 'rules', testFile], { cwd: ruleDir });
    expect({ code: run.code, output: run.stdout + run.stderr }).toEqual({ code: 0, output: expect.stringContaining('SUCCESS') });
  });
});
