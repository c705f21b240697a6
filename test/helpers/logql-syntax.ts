import { parser } from '@grafana/lezer-logql';

/**
 * Parses with Grafana's own LogQL grammar (@grafana/lezer-logql, what Grafana's Loki query editor
 * validates with); throws on a syntax error, naming the offset.
 */
export function assertLogQL(expr: string): void {
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError) throw new Error(`LogQL syntax error at offset ${node.from} in: ${expr}`);
    },
  });
}

/**
 * What Grafana sends Loki for a query with its variables: each `$name` or `${name}` replaced by
 * `values[name]`. A variable without a value throws, so no query is checked half-interpolated.
 */
export function interpolateGrafanaVariables(expr: string, values: Readonly<Record<string, string>>): string {
  return expr.replace(/\$\{([^}]+)\}|\$(\w+)/g, (whole, braced: string | undefined, bare: string | undefined) => {
    const value = values[braced ?? bare ?? ''];
    if (value === undefined) throw new Error(`no test value for Grafana variable ${whole} in: ${expr}`);
    return value;
  });
}
