import { Construct } from 'constructs';
import { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import type { EnvironmentName } from '../environments/types';
import { addObject } from '../k8s/api-object';
import { PLATFORM_LABELS } from '../k8s/labels';
import type { ManifestObject } from '../synth/validate-manifests';
import type { ApplicationDestination } from './gitops-settings';
import { rolloutOwnedFields } from './rollout-owned-fields';

/** Where every environment's synthesized manifests live in the repository. */
export const CHARTS_OUT_FOLDER = 'charts-out';

export interface PlatformApplicationProps {
  readonly environment: EnvironmentName;
  /** The environment's synthesized objects (`charts-out/<environment>/`); their Rollouts say which fields Argo Rollouts owns. */
  readonly objects: readonly ManifestObject[];
  /** The Git repository holding `charts-out/`. */
  readonly repoURL: string;
  /** Branch, tag or commit the Application follows. */
  readonly targetRevision: string;
  readonly destination: ApplicationDestination;
  /** Namespace Argo CD reads Applications from. */
  readonly argoCdNamespace: string;
  readonly project: string;
}

/**
 * One environment of the platform as an Argo CD Application syncing `charts-out/<environment>/`.
 *
 * What Argo Rollouts changes during a rollout (route weights, subset and selector hashes) is
 * derived from the environment's own Rollout and listed in `ignoreDifferences`, and
 * `RespectIgnoreDifferences=true` keeps a sync from writing the resting values back over the
 * controller's mid-rollout (argo-cd v2.14.11 docs/user-guide/sync-options.md); `ApplyOutOfSyncOnly`
 * leaves objects that did not change untouched, as argo-rollouts v1.9.0 recommends for Istio
 * (docs/features/traffic-management/istio.md). The Rollout states no replica count, so nothing is
 * ignored for the autoscaler. No `resources-finalizer`: deleting the Application leaves the
 * platform running instead of deleting every object of an environment.
 */
export class PlatformApplication extends Construct {
  readonly applicationName: string;

  constructor(scope: Construct, id: string, props: PlatformApplicationProps) {
    super(scope, id);
    this.applicationName = `uag-${props.environment}`;
    addObject(
      this,
      'application',
      new Application({
        metadata: { name: this.applicationName, namespace: props.argoCdNamespace, labels: { ...PLATFORM_LABELS } },
        spec: {
          project: props.project,
          source: {
            repoURL: props.repoURL,
            targetRevision: props.targetRevision,
            path: `${CHARTS_OUT_FOLDER}/${props.environment}`,
            // Plain manifests, one folder: no Helm or Kustomize detection, no subfolders.
            directory: { recurse: false },
          },
          destination: { ...props.destination },
          ignoreDifferences: rolloutOwnedFields(props.objects).map((fields) => ({ ...fields, jqPathExpressions: [...fields.jqPathExpressions] })),
          syncPolicy: {
            automated: { prune: true, selfHeal: true },
            syncOptions: ['RespectIgnoreDifferences=true', 'ApplyOutOfSyncOnly=true', 'PruneLast=true'],
            retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
          },
        },
      }),
    );
  }
}
