import { Construct } from 'constructs';
import { AnalysisTemplate } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/AnalysisTemplate';
import type { RolloutAnalysisSpec } from '../../environments/types';
import { addObject } from '../api-object';
import type { Labels } from '../labels';
import { NAMESPACES, prometheusUrl } from '../platform-names';
import { ROLLOUT_HASH_LABEL } from './gateway-monitoring';
import { errorRatioQuery, latencyQuantileQuery, requestCountQuery } from './gateway-queries';

/** Template argument carrying the new ReplicaSet's pod-template hash. */
export const CANARY_HASH_ARG = 'canary-hash';

/** How a Rollout step or pre-promotion analysis runs this template (Argo Rollouts `RolloutAnalysis`). */
export interface AnalysisReference {
  readonly templates: { templateName: string }[];
  readonly args: { name: string; valueFrom: { podTemplateHashValue: 'Latest' } }[];
}

export interface RolloutAnalysisProps {
  readonly namespace: string;
  readonly labels: Labels;
  /** PromQL label matchers for the gateway's scrape targets, from GatewayMonitoring. */
  readonly selector: string;
  readonly analysis: RolloutAnalysisSpec;
  /** @default Prometheus in the observability namespace */
  readonly prometheusAddress?: string;
}

/**
 * The AnalysisTemplate that gates a gateway rollout: error ratio (share of 5xx answers) and p95
 * latency of the new version's pods, from Prometheus, against the environment's thresholds.
 *
 * The new version's series are told apart by `rollouts_pod_template_hash`, a target label the
 * ServiceMonitor copies from the pod label Argo Rollouts sets, matched against the hash Argo
 * passes in (`podTemplateHashValue: Latest`). Chosen over the gateway's `gateway_build_info`
 * version label: that one names the gateway's build, not the ReplicaSet, so two rollouts of the
 * same build (a config change) could not be told apart, and it would need a join on `pod`.
 *
 * The error side of the error ratio has an explicit zero and the request count a floor
 * (`rollout.analysis.minRequests`): a canary answering only 5xx measures 1 and fails, one without
 * errors measures 0, and a window with fewer requests than the floor (none at all included) returns
 * nothing. Argo Rollouts hands the conditions the vector's values as `result` (a float slice, empty
 * for an empty vector) and calls a measurement Inconclusive when neither condition holds
 * (metricproviders/prometheus/prometheus.go and utils/evaluate/evaluate.go at v1.9.0, the
 * argo-rollouts chart 2.40.9's app version): so no data pauses the rollout for a human instead of
 * passing or aborting it. The old success-rate query had no series at all when every answer was
 * 5xx, which read as no data: a broken canary paused instead of aborting.
 */
export class RolloutAnalysis extends Construct {
  readonly templateName: string;
  /** Pass to a canary `analysis` step or a blue-green `prePromotionAnalysis`. */
  readonly reference: AnalysisReference;

  constructor(scope: Construct, id: string, props: RolloutAnalysisProps) {
    super(scope, id);
    const { analysis } = props;
    this.templateName = 'gateway-canary';
    this.reference = {
      templates: [{ templateName: this.templateName }],
      args: [{ name: CANARY_HASH_ARG, valueFrom: { podTemplateHashValue: 'Latest' } }],
    };
    const canarySeries = { selector: `${props.selector},${ROLLOUT_HASH_LABEL}="{{args.${CANARY_HASH_ARG}}}"`, window: analysis.window };
    // `result` is the vector's values; guard it so that no data reads as inconclusive, not as an error.
    const measured = 'len(result) > 0 && !isNaN(result[0])';
    const metric = (name: string, query: string, passes: string, fails: string) => ({
      name,
      interval: analysis.interval,
      count: analysis.count,
      // Wait for a rate window's worth of the new pods' samples.
      initialDelay: analysis.window,
      failureLimit: analysis.failureLimit,
      successCondition: `${measured} && result[0] ${passes}`,
      failureCondition: `${measured} && result[0] ${fails}`,
      provider: { prometheus: { address: props.prometheusAddress ?? prometheusUrl(NAMESPACES.observability), query } },
    });

    addObject(
      this,
      'template',
      new AnalysisTemplate({
        metadata: { name: this.templateName, namespace: props.namespace, labels: { ...props.labels } },
        spec: {
          args: [{ name: CANARY_HASH_ARG }],
          metrics: [
            metric('error-ratio', errorRatioQuery(canarySeries, analysis.minRequests), `<= ${analysis.maxErrorRatio}`, `> ${analysis.maxErrorRatio}`),
            metric(
              'latency-p95',
              `${latencyQuantileQuery(0.95, canarySeries)} and ${requestCountQuery(canarySeries)} >= ${analysis.minRequests}`,
              `<= ${analysis.maxLatencyP95Seconds}`,
              `> ${analysis.maxLatencyP95Seconds}`,
            ),
          ],
        },
      }),
    );
  }
}
