export * from './demo-app';
export * from './demo-policy';
export * from './otel-collector';
