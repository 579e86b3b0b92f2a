'use strict'

module.exports = async function globalTeardown() {
  const stack = globalThis.__FRAGMENT_DEV_STACK__
  if (stack) await stack.stop()
}
