'use strict'

// One dev stack (private redis-server + gateway) serves the whole run; see __test__/setup/.
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/__test__/**/*.test.js'],
  testTimeout: 30000,
  globalSetup: '<rootDir>/__test__/setup/global-setup.js',
  globalTeardown: '<rootDir>/__test__/setup/global-teardown.js',
}
