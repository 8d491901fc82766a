export * from './port-range';
export * from './proxy-builder';
export * from './proxy-settings';
export * from './proxy-spec';
