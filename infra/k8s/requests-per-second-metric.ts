import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { METRICS } from '../../app/src/contract';
import * as kplus from './cdk8s-plus';
import { PLATFORM_LABELS } from './labels';

/** The per-pod rate the HPA scales on, served by prometheus-adapter on custom.metrics.k8s.io. */
export const REQUESTS_PER_SECOND_METRIC = METRICS.requestsTotal.name.replace(/_total$/, '_per_second');

/** PromQL (prometheus-adapter template) turning the gateway's request counter into a per-pod rate. */
export const REQUESTS_PER_SECOND_QUERY = `sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)`;

export interface RequestsPerSecondMetricProps {
  /** Namespace prometheus-adapter runs in. */
  readonly namespace: string;
  /** @default 'prometheus-adapter-rules' */
  readonly configMapName?: string;
}

/** prometheus-adapter rules exposing `gateway_requests_per_second` per pod; the adapter loads this ConfigMap as its `config.yaml`. */
export class RequestsPerSecondMetric extends Construct {
  readonly metricName = REQUESTS_PER_SECOND_METRIC;
  readonly configMapName: string;

  constructor(scope: Construct, id: string, props: RequestsPerSecondMetricProps) {
    super(scope, id);
    this.configMapName = props.configMapName ?? 'prometheus-adapter-rules';
    const counter = METRICS.requestsTotal.name;
    const rules = {
      rules: [
        {
          seriesQuery: `${counter}{namespace!="",pod!=""}`,
          resources: { overrides: { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } } },
          name: { matches: `^${counter}$`, as: REQUESTS_PER_SECOND_METRIC },
          metricsQuery: REQUESTS_PER_SECOND_QUERY,
        },
      ],
    };
    new kplus.ConfigMap(this, 'rules', {
      metadata: { name: this.configMapName, namespace: props.namespace, labels: { ...PLATFORM_LABELS } },
      data: { 'config.yaml': stringify(rules) },
    });
  }
}
