const SDK = '@grafana/grafana-foundation-sdk';

/**
 * The SDK's types as JSON holds them: string enums as their values, methods left out (the SDK's
 * query types carry a marker method that JSON never has).
 */
const JSON_OF = `type Json<T> = T extends string ? \`\${T}\`
  : T extends readonly (infer U)[] ? Json<U>[]
  : T extends object ? { [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]: Json<T[K]> }
  : T;`;

// Dashboard JSON is read back as plain data.
type DashboardJson = any;

/** Every panel, those inside rows included. */
export function flatPanels(panels: readonly DashboardJson[]): DashboardJson[] {
  return panels.flatMap((panel) => [panel, ...flatPanels(panel.panels ?? [])]);
}

/**
 * A TypeScript module that type-checks only if the dashboard JSON fits the Grafana foundation
 * SDK's types: the dashboard as `Dashboard`, and each panel's options, custom field config and
 * queries as the types of the SDK module named after the panel type and the datasource type
 * (`timeseries`, `prometheus`, ...). Object literals get excess-property checks, so an unknown
 * field fails as well as a wrong value.
 */
export function dashboardTypeCheckSource(dashboard: DashboardJson): string {
  const modules = new Set<string>();
  const checks: string[] = [`export const dashboard: Json<Dashboard> = ${JSON.stringify(dashboard)};`];
  flatPanels(dashboard.panels ?? []).forEach((panel, p) => {
    if (panel.type === 'row') return;
    const panelModule = `panel_${panel.type.replace(/\W/g, '_')}`;
    modules.add(`import type * as ${panelModule} from '${SDK}/${panel.type}';`);
    if (panel.options !== undefined) checks.push(`export const panel${p}Options: Json<${panelModule}.Options> = ${JSON.stringify(panel.options)};`);
    if (panel.fieldConfig?.defaults?.custom !== undefined) checks.push(`export const panel${p}Custom: Json<${panelModule}.FieldConfig> = ${JSON.stringify(panel.fieldConfig.defaults.custom)};`);
    ((panel.targets ?? []) as DashboardJson[]).forEach((target, t) => {
      const datasourceType: string | undefined = target.datasource?.type ?? panel.datasource?.type;
      if (datasourceType === undefined) throw new Error(`panel "${panel.title}" target ${t} names no datasource type`);
      const queryModule = `query_${datasourceType.replace(/\W/g, '_')}`;
      modules.add(`import type * as ${queryModule} from '${SDK}/${datasourceType}';`);
      // The query type is what the module's `defaultDataquery` returns: the SDK names it `Dataquery` in some modules (prometheus), `dataquery` in others (loki).
      checks.push(`export const panel${p}Target${t}: Json<ReturnType<typeof ${queryModule}.defaultDataquery>> = ${JSON.stringify(target)};`);
    });
  });
  return [`import type { Dashboard } from '${SDK}/dashboard';`, ...modules, JSON_OF, ...checks].join('\n');
}
