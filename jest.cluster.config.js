/**
 * `npm run test:cluster`: the integration suite's P1, P2 (worker SIGKILLed in quarantine) and P3 tests,
 * and the tests of test/cluster/ (two worker processes on one task queue, a server restart), against
 * the real Temporal server on PostgreSQL that global setup starts when TEMPORAL_TEST_SERVER=cluster.
 * The server-restart test stops every server process, so `npm run test:cluster` runs it on its own
 * cluster, after the others.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  testMatch: [
    '<rootDir>/test/integration/edge-monitoring.test.ts',
    '<rootDir>/test/integration/outage-crash.test.ts',
    '<rootDir>/test/integration/service-affecting.test.ts',
    '<rootDir>/test/cluster/**/*.test.ts',
  ],
};
