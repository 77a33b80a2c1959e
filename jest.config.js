// Jest runs TypeScript through ts-jest in transpile-only mode (no type-checking here: `npm test` runs
// `tsc --noEmit` first). ts-jest needs no native binary, so `npm ci` installs it on any platform.
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }] },
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
