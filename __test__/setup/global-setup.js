'use strict'

// Starts the dev stack once for all suites. Workers are spawned after this runs, so they inherit
// the variables set here; the handle stays on globalThis for global-teardown.js.

const { startDevStack } = require('../../lib/dev-stack')

module.exports = async function globalSetup() {
  const stack = await startDevStack()
  globalThis.__FRAGMENT_DEV_STACK__ = stack
  Object.assign(process.env, stack.env, { FRAGMENT_TEST_REDIS_URL: stack.redisUrl })
}
