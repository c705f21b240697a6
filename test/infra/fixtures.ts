import { Chart, Testing } from 'cdk8s';
import { parseRouteTable } from '../../app/src/config/route-table-loader';
import type { RouteTable } from '../../app/src/contract';

/** A fixed image so outputs do not depend on the current build. */
export const TEST_IMAGE = 'registry.test/uag-gateway:0123456789abcdef';

export const TEST_ROUTES: RouteTable = parseRouteTable(
  {
    routes: [
      { name: 'users', match: { pathPrefix: '/api/users' }, upstream: { service: 'user-service', namespace: 'users', port: 8080 }, timeoutMs: 5_000 },
      { name: 'orders', match: { pathPrefix: '/api/orders' }, upstream: { service: 'order-service', namespace: 'orders', port: 9000 } },
    ],
  },
  'test routes',
);

export interface SynthObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // Tests read deep fields of whichever kind they asserted.
  [field: string]: any;
}

/** Builds constructs into a fresh chart and returns the synthesized objects. */
export function synth(build: (chart: Chart) => void): SynthObject[] {
  const chart = Testing.chart();
  build(chart);
  return Testing.synth(chart) as SynthObject[];
}

export function find(objects: readonly SynthObject[], kind: string, name?: string): SynthObject {
  const found = objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found === undefined) throw new Error(`no ${kind}${name === undefined ? '' : ` named ${name}`} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
}
