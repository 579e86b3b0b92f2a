'use strict'
// Waiting in tests: every wait has a deadline, so none can hang a suite.

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls `fn` until it returns a truthy value; throws with the last value after `timeoutMs`. */
async function waitUntil(fn, { timeoutMs = 5000, intervalMs = 50, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs
  let last
  for (;;) {
    last = await fn()
    if (last) return last
    if (Date.now() > deadline)
      throw new Error(`${what} not reached within ${timeoutMs} ms (last: ${JSON.stringify(last)})`)
    await sleep(intervalMs)
  }
}

/** Resolves like `promise`, or rejects once `ms` have passed. */
function within(promise, ms, what = 'operation') {
  let timer
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms)
  })
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer))
}

module.exports = { sleep, waitUntil, within }
