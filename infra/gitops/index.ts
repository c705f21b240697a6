export * from './argocd-applications';
export * from './gitops-settings';
export * from './platform-application';
export * from './rollout-owned-fields';
