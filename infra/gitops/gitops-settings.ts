import type { EnvironmentName } from '../environments/types';

/** Where an Application sends the objects it syncs. */
export type ApplicationDestination =
  /** A cluster by API server URL; `https://kubernetes.default.svc` is the cluster Argo CD itself runs in. */
  | { readonly server: string }
  /** A cluster registered in Argo CD under this name (`argocd cluster add <context> --name <name>`). */
  | { readonly name: string };

export interface GitOpsSettings {
  /** The Git repository Argo CD reads `charts-out/<env>/` from: this repository, as Argo CD clones it. */
  readonly repoURL: string;
  /**
   * The revision (branch, tag or commit) each environment's Application follows. Promotion is a
   * Git operation: moving the later environments' branches to a commit the earlier one ran.
   */
  readonly targetRevisions: Readonly<Record<EnvironmentName, string>>;
  /** Per environment, the cluster the Application deploys to. */
  readonly destinations: Readonly<Record<EnvironmentName, ApplicationDestination>>;
  /** Namespace Argo CD watches for Applications. */
  readonly argoCdNamespace: string;
  /** Argo CD project the Applications belong to. */
  readonly project: string;
}

/** Argo CD's name for the cluster it runs in. */
export const IN_CLUSTER: ApplicationDestination = { server: 'https://kubernetes.default.svc' };

/**
 * The GitOps delivery settings `npm run synth` renders `deploy/argocd/` from. Change them here (the
 * repository URL first: it names this project's example domain, like the environments' hosts),
 * run `npm run synth` and commit both. By default each environment's cluster runs its own Argo CD
 * (pull-based: prod's private API endpoint needs no inbound access); a central Argo CD instead
 * names the clusters it registered.
 */
export const GITOPS_SETTINGS: GitOpsSettings = {
  repoURL: 'https://git.uag.example.com/platform/uag-platform.git',
  targetRevisions: { dev: 'main', staging: 'deploy/staging', prod: 'deploy/prod' },
  destinations: { dev: IN_CLUSTER, staging: IN_CLUSTER, prod: IN_CLUSTER },
  argoCdNamespace: 'argocd',
  project: 'default',
};
