// Jest runs TypeScript through ts-jest in transpile-only mode (no type-checking here: `npm test` runs
// `tsc --noEmit` first). ts-jest needs no native binary, so `npm ci` installs it on any platform.
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testMatch: ['**/*.test.ts'],
  // The consumer project's test runs in its own project (test/consumer/run-consumer.ts), against the packed kit.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/consumer/project/'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }] },
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
