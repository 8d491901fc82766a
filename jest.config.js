/** Tests run from TypeScript sources through ts-jest; `npm test` compiles first so CLI tests can spawn lib/. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
  testTimeout: 120000,
  setupFiles: ['<rootDir>/test/support/pin-check-date.js'],
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
};
