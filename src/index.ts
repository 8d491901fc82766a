export * from './errors';
export * from './version';
export * from './synth';
export * from './crds';
export * from './identity';
export * from './proxy';
export * from './control-plane';
export * from './check';
