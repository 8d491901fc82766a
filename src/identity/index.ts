export * from './certificate';
export * from './issue-certificate';
export * from './issuer';
export * from './key-material';
export * from './pem';
export * from './private-key';
export * from './trust-anchors';
export * from './webhook-tls';
