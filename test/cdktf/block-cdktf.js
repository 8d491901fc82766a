// Preload for optional-peers.test.ts: makes the CDK for Terraform packages unresolvable, as on a
// machine that installed cdk8s-linkerd without its optional peers.
const Module = require('module');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'cdktf' || request.startsWith('cdktf/') || request.startsWith('@cdktf/')) {
    const error = new Error(`Cannot find module '${request}'`);
    error.code = 'MODULE_NOT_FOUND';
    throw error;
  }
  return resolve.call(this, request, ...rest);
};
