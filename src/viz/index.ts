export * from './linkerd-viz';
export * from './prometheus';
export * from './viz-props';
