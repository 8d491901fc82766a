export * from './demo-app';
