export * from './finding';
export * from './rules';
export * from './run-checks';
