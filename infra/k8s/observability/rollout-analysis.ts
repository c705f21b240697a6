import { Construct } from 'constructs';
import { AnalysisTemplate } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/AnalysisTemplate';
import type { RolloutAnalysisSpec } from '../../environments/types';
import { addObject } from '../api-object';
import type { Labels } from '../labels';
import { NAMESPACES, prometheusUrl } from '../platform-names';
import { ROLLOUT_HASH_LABEL } from './gateway-monitoring';
import { latencyQuantileQuery, requestShareQuery } from './gateway-queries';

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
 * The AnalysisTemplate that gates a gateway rollout: success rate (share of non-5xx answers) and
 * p95 latency of the new version's pods, from Prometheus, against the environment's thresholds.
 *
 * The new version's series are told apart by `rollouts_pod_template_hash`, a target label the
 * ServiceMonitor copies from the pod label Argo Rollouts sets, matched against the hash Argo
 * passes in (`podTemplateHashValue: Latest`). Chosen over the gateway's `gateway_build_info`
 * version label: that one names the gateway's build, not the ReplicaSet, so two rollouts of the
 * same build (a config change) could not be told apart, and it would need a join on `pod`.
 *
 * A measurement with no data (no canary requests in the window) is neither success nor failure
 * but inconclusive, which pauses the rollout for a human instead of passing or aborting it.
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
            metric('success-rate', requestShareQuery('!~"5.."', canarySeries), `>= ${analysis.minSuccessRatio}`, `< ${analysis.minSuccessRatio}`),
            metric('latency-p95', latencyQuantileQuery(0.95, canarySeries), `<= ${analysis.maxLatencyP95Seconds}`, `> ${analysis.maxLatencyP95Seconds}`),
          ],
        },
      }),
    );
  }
}
