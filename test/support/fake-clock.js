/**
 * Preload (`node --require test/support/fake-clock.js`) that stops the clock: `new Date()`,
 * `Date()` and `Date.now()` return the instant in $CDK8S_LINKERD_FAKE_NOW (ISO 8601) for the whole
 * run. Dates built from explicit arguments, `Date.parse` and `Date.UTC` behave as usual, as do
 * `instanceof Date` and subclasses of Date. Timers, `performance.now()` and `process.hrtime()` are
 * untouched. Used by test/support/determinism.ts.
 */
'use strict';

const raw = process.env.CDK8S_LINKERD_FAKE_NOW;
if (raw) {
  const RealDate = Date;
  const now = RealDate.parse(raw);
  if (Number.isNaN(now)) {
    throw new Error(`fake-clock: CDK8S_LINKERD_FAKE_NOW is not a date: ${JSON.stringify(raw)}`);
  }

  function FakeDate(...args) {
    if (!new.target) return new RealDate(now).toString();
    return Reflect.construct(RealDate, args.length === 0 ? [now] : args, new.target);
  }
  FakeDate.prototype = RealDate.prototype;
  Object.defineProperty(RealDate.prototype, 'constructor', { value: FakeDate, writable: true, configurable: true });
  Object.defineProperty(FakeDate, 'name', { value: 'Date' });
  Object.defineProperty(FakeDate, 'length', { value: 7 });
  FakeDate.now = () => now;
  FakeDate.parse = RealDate.parse;
  FakeDate.UTC = RealDate.UTC;
  globalThis.Date = FakeDate;
}
