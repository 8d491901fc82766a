export * from './demo-app';
export * from './demo-policy';
