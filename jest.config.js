'use strict'

// One dev stack (private redis-server + gateway) serves the whole run; see __test__/setup/.
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/__test__/**/*.test.js'],
  // The example app has its own node_modules and build output; none of it is the package's.
  modulePathIgnorePatterns: ['<rootDir>/examples/'],
  testTimeout: 30000,
  globalSetup: '<rootDir>/__test__/setup/global-setup.js',
  globalTeardown: '<rootDir>/__test__/setup/global-teardown.js',
}
