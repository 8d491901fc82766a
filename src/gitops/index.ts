export * from './argocd-application';
export * from './argocd-app-of-apps';
export * from './kustomization';
export * from './output-directory';
export * from './sync-waves';
export * from './synth-checks';
export * from './upgrade-diff';
