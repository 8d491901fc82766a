/**
 * Jest setup: synth judges certificate validity at the real clock unless told otherwise, which
 * would make test results depend on the day they run. Tests run without date-dependent synth
 * checks; those that test expiry pin their date explicitly (`now`, or a fake clock).
 */
if (process.env.CDK8S_LINKERD_NOW === undefined) process.env.CDK8S_LINKERD_NOW = 'none';
