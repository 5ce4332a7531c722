/** Replays every recorded workflow history (committed corpus + histories the integration run just wrote). */
const base = require('./jest.config');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/replay/**/*.test.ts'],
  globalSetup: undefined,
  globalTeardown: undefined,
};
