export * from './mesh-source';
export * from './object-selection';
export * from './kubernetes-manifests';
export * from './linkerd-manifest-stacks';
export * from './linkerd-helm-releases';
