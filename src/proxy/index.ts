export * from './proxy-builder';
export * from './proxy-spec';
