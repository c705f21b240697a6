import { GATEWAY_NAME, NAMESPACES } from '../platform-names';

/**
 * How logs and traces point at each other in Grafana. The gateway's access lines carry `trace_id`
 * and the mesh's access lines the request's `traceparent` (`00-<trace id>-<span id>-<flags>`,
 * W3C Trace Context); Fluent Bit ships either as the JSON line the container wrote
 * (infra/pulumi/log-pipeline.ts), so one pattern finds the trace id in both. Grafana applies it to
 * each Loki line with a JavaScript RegExp and links the first group to the trace in Jaeger.
 */
export const TRACE_ID_PATTERN = '"(?:trace_id|traceparent)":"(?:00-)?([0-9a-f]{32})';

/**
 * The lines of one trace, for Grafana's Jaeger datasource (`tracesToLogsV2`): every stream, in the
 * span's time window, filtered by the trace id as text. A line filter rather than a label filter, so
 * the gateway's `trace_id` and the mesh's `traceparent` both match, and Jaeger ids that lost their
 * leading zeros still match as a substring.
 */
export const TRACE_LOGS_QUERY = '{namespace=~".+"} |= "${__trace.traceId}"';

/** The gateway's own log stream in Loki (labels Fluent Bit sets from the pod). */
export const GATEWAY_LOG_STREAM = `{namespace="${NAMESPACES.gateway}", container="${GATEWAY_NAME}"}`;

/** Access lines the gateway answered with a 5xx, per route, over Grafana's interval. */
export function gatewayErrorLinesQuery(): string {
  return `sum by (route) (count_over_time(${GATEWAY_LOG_STREAM} | json | __error__="" | msg="access" | status >= 500 [$__auto]))`;
}

/**
 * Grafana expands `$NAME` and `${NAME}` in provisioning files from its environment, so a literal
 * `$` (the `${__value.raw}` and `${__trace.traceId}` the datasources interpolate when a link is
 * followed) is written `$$`.
 */
export function provisioningLiteral(text: string): string {
  return text.replaceAll('$', '$$$$');
}
