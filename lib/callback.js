'use strict'
/**
 * Node-style callback support, as ioredis does it (standard-as-callback): the promise is returned
 * either way, and the callback runs in the promise's own reaction — so it runs in the same order
 * relative to `.then` handlers as in ioredis — with `(null)` alone for an undefined result. Attaching
 * it handles the rejection, so callback-only users get no unhandled-rejection crash; an exception
 * the callback throws is rethrown on a later turn instead of turning into a rejection nobody sees.
 */
function withCallback(promise, callback) {
  if (typeof callback === 'function') {
    promise.then(
      (result) => call(callback, result === undefined ? [null] : [null, result]),
      (error) => call(callback, [error || Object.assign(new Error(String(error)), { cause: error })]),
    )
  }
  return promise
}

function call(callback, args) {
  try {
    callback(...args)
  } catch (error) {
    setTimeout(() => {
      throw error
    }, 0)
  }
}

/** The trailing callback of an argument list, or undefined. */
function trailingCallback(args) {
  const last = args[args.length - 1]
  return typeof last === 'function' ? last : undefined
}

/** Splits a trailing callback off an argument list. */
function splitCallback(args) {
  const callback = trailingCallback(args)
  return [callback ? args.slice(0, -1) : args, callback]
}

module.exports = { withCallback, splitCallback, trailingCallback }
