import type { AlertDefinition } from '../../infra/k8s/observability/alerts';
import { runbookUrl } from '../../infra/k8s/observability/alerts';
import { renderAnnotation } from './alert-annotation-template';

/** One promtool input series: `metric{labels}` and values in promtool's expanding notation. */
export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

/**
 * How to drive one alert across its threshold. Series are sampled every minute; each list must
 * cover `SERIES_MINUTES` samples.
 */
export interface AlertScenario {
  /** Keeps the measured quantity just short of the threshold; absent for alerts without one (Watchdog). */
  readonly justBelow?: readonly InputSeries[];
  /** Puts the quantity just past the threshold. */
  readonly atThreshold: readonly InputSeries[];
  /** Minute from which `atThreshold` meets the condition (a rate needs two samples, restarts need to happen). */
  readonly holdsFromMinute: number;
  /** Labels of the firing alert besides alertname and severity. */
  readonly alertLabels: Readonly<Record<string, string>>;
  /** The alert's value at the threshold, as the description renders it. */
  readonly value: number;
}

/**
 * promtool test cases written for one alert directly, for alerts that one threshold does not
 * describe (error-budget burn rates over several window pairs).
 */
export interface AlertRuleCases {
  /** Each test with the evaluation interval promtool must run it at (a test file has one). */
  readonly cases: readonly { readonly evaluationInterval: string; readonly test: object }[];
}

/** An alert whose behaviour the cases written for another alert check too. */
export interface CoveredAlert {
  readonly coveredBy: string;
}

export type AlertTesting = AlertScenario | AlertRuleCases | CoveredAlert;

/** Long enough for the longest `for` plus the latest onset, with margin. */
export const SERIES_MINUTES = 30;

function minutesOf(duration: string): number {
  const match = /^(\d+)([smh])$/.exec(duration);
  if (!match) throw new Error(`duration '${duration}' is not a whole number of s, m or h`);
  const amount = Number(match[1]);
  const minutes = match[2] === 's' ? amount / 60 : match[2] === 'h' ? amount * 60 : amount;
  if (!Number.isInteger(minutes)) throw new Error(`duration '${duration}' is not a whole number of minutes; the rule tests step by minutes`);
  return minutes;
}

interface AlertRuleTest {
  readonly eval_time: string;
  readonly alertname: string;
  readonly exp_alerts: readonly { exp_labels: Record<string, string>; exp_annotations: Record<string, string> }[];
}

/**
 * `promtool test rules` cases for one alert: held just below its threshold it never fires; just
 * past it, it is still pending one minute before its `for` has elapsed and fires with the exact
 * labels and annotations once it has.
 */
export function alertRuleTests(definition: AlertDefinition, scenario: AlertScenario): object[] {
  const forMinutes = minutesOf(definition.for);
  const firesAt = scenario.holdsFromMinute + forMinutes;
  if (firesAt + 1 >= SERIES_MINUTES) throw new Error(`${definition.alert}: fires at minute ${firesAt}, beyond the ${SERIES_MINUTES} minutes of series`);
  const labels = { ...scenario.alertLabels, ...definition.labels, severity: definition.severity };
  const firing = {
    exp_labels: labels,
    exp_annotations: expectedAnnotations(definition, scenario.alertLabels, scenario.value),
  };
  const check = (minute: number, expAlerts: AlertRuleTest['exp_alerts']): AlertRuleTest => ({ eval_time: `${minute}m`, alertname: definition.alert, exp_alerts: expAlerts });
  const tests: object[] = [];
  if (scenario.justBelow !== undefined) {
    tests.push({
      name: `${definition.alert} stays silent just below its threshold`,
      interval: '1m',
      input_series: scenario.justBelow,
      alert_rule_test: [check(firesAt, []), check(SERIES_MINUTES - 1, [])],
    });
  }
  tests.push({
    name: `${definition.alert} fires at its threshold once 'for' (${definition.for}) has elapsed`,
    interval: '1m',
    input_series: scenario.atThreshold,
    alert_rule_test: [...(firesAt > 0 ? [check(firesAt - 1, [])] : []), check(firesAt, [firing])],
  });
  return tests;
}

/** The annotations a firing alert carries, its description rendered with the expression's labels and value. */
export function expectedAnnotations(definition: AlertDefinition, expressionLabels: Readonly<Record<string, string>>, value: number): Record<string, string> {
  return {
    summary: definition.summary,
    // Templates see the expression's labels; the rule's own (severity) are added after rendering.
    description: renderAnnotation(definition.description, expressionLabels, value),
    runbook_url: runbookUrl(definition.alert),
  };
}

/**
 * Whole promtool test files: every alert's cases (plus `extraTests`), one file per evaluation
 * interval the cases need, failing if an alert has no scenario.
 */
export function ruleTestFiles(ruleFiles: readonly string[], definitions: readonly AlertDefinition[], scenarios: Readonly<Record<string, AlertTesting>>, extraTests: readonly object[] = []): object[] {
  const missing = definitions.filter((d) => scenarios[d.alert] === undefined).map((d) => d.alert);
  if (missing.length > 0) throw new Error(`no promtool scenario for ${missing.join(', ')}; add one to the alert scenarios`);
  const byInterval = new Map<string, object[]>([['1m', [...extraTests]]]);
  for (const definition of definitions) {
    const testing = scenarios[definition.alert]!;
    if ('coveredBy' in testing) {
      const covering = scenarios[testing.coveredBy];
      if (covering === undefined || !('cases' in covering)) throw new Error(`${definition.alert} is covered by ${testing.coveredBy}, which has no cases`);
      continue;
    }
    const cases = 'cases' in testing ? testing.cases : alertRuleTests(definition, testing).map((test) => ({ evaluationInterval: '1m', test }));
    for (const { evaluationInterval, test } of cases) byInterval.set(evaluationInterval, [...(byInterval.get(evaluationInterval) ?? []), test]);
  }
  return [...byInterval.entries()].map(([interval, tests]) => ({ rule_files: ruleFiles, evaluation_interval: interval, tests }));
}
