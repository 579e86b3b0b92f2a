'use strict'
/**
 * Node-style callback support: the promise is returned either way, and attaching the callback
 * handles its rejection, so callback-only users get no unhandled-rejection crash.
 */
function withCallback(promise, callback) {
  if (typeof callback === 'function') {
    promise.then(
      (result) => process.nextTick(callback, null, result),
      (error) => process.nextTick(callback, error),
    )
  }
  return promise
}

/** Splits a trailing callback off an argument list. */
function splitCallback(args) {
  if (args.length > 0 && typeof args[args.length - 1] === 'function') {
    return [args.slice(0, -1), args[args.length - 1]]
  }
  return [args, undefined]
}

module.exports = { withCallback, splitCallback }
