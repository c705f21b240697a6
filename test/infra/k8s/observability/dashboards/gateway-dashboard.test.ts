import { join } from 'node:path';
import { ENVIRONMENT_NAMES } from '../../../../../infra/environments';
import { readManifests } from '../../../../../infra/synth/write-charts';
import { configMapDocuments, isDashboard } from '../../../../helpers/config-map-documents';
import { dashboardTypeCheckSource, flatPanels } from '../../../../helpers/grafana-dashboard-types';
import { typeCheckModule } from '../../../../helpers/typescript-check';

const CHARTS_OUT = join(__dirname, '..', '..', '..', '..', '..', 'charts-out');
// Dashboard JSON is read back as plain data.
type Json = any;

describe.each(ENVIRONMENT_NAMES)('Grafana dashboards in charts-out/%s', (environment) => {
  const documents = configMapDocuments(readManifests(join(CHARTS_OUT, environment)));
  const dashboards = documents.filter(isDashboard);
  const datasources: Json[] = documents.flatMap((document) => (Array.isArray(document.content.datasources) ? document.content.datasources : []));

  it('are provisioned next to their datasources', () => {
    expect(dashboards.map((d) => d.file)).toEqual(['observability/grafana-dashboards/uag-gateway-overview.json']);
    expect(datasources.map((d) => d.uid).sort()).toEqual(['jaeger', 'loki', 'prometheus']);
  });

  it.each(dashboards.map((d) => [d.file, d.content]))('%s fits the Grafana foundation SDK types, panel options and queries included', (file, dashboard) => {
    const checkFile = join(__dirname, `${String(file).replace(/\W/g, '_')}.type-check.ts`);
    expect(typeCheckModule(checkFile, dashboardTypeCheckSource(dashboard))).toEqual([]);
  });

  it.each(dashboards.map((d) => [d.file, d.content]))('%s uses only provisioned datasources, by UID and type', (_file, dashboard) => {
    const provisioned = new Map(datasources.map((d) => [d.uid, d.type]));
    const references = flatPanels(dashboard.panels).flatMap((panel) => [
      ...(panel.datasource ? [{ where: `panel "${panel.title}"`, ...panel.datasource }] : []),
      ...((panel.targets ?? []) as Json[]).filter((t) => t.datasource).map((t, i) => ({ where: `panel "${panel.title}" target ${i}`, ...t.datasource })),
    ]);
    expect(references.length).toBeGreaterThan(0);
    for (const reference of references) {
      expect(reference).toEqual({ where: reference.where, uid: expect.any(String), type: provisioned.get(reference.uid) ?? `a provisioned datasource (UIDs: ${[...provisioned.keys()].join(', ')})` });
    }
  });
});
