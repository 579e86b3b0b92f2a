'use strict'
// How the building blocks report what they recovered from without failing the caller: data under
// one of their keys that they cannot read, a background refresh that failed. The default handler
// is a process warning (printed by Node, never thrown); pass `onError` to route it to a logger.

/** Data under a block's key that is not what the block wrote (corrupt JSON, another type, …). */
class UnreadableDataError extends Error {
  /**
   * @param {string} message never the data itself, nor a session id (a bearer credential)
   * @param {{ block: string, reason: 'json' | 'shape' | 'type' }} details
   */
  constructor(message, { block, reason }) {
    super(message)
    this.name = 'UnreadableDataError'
    this.code = 'ERR_UNREADABLE_DATA'
    this.block = block
    this.reason = reason
  }
}

function defaultOnError(error) {
  process.emitWarning(error)
}

/** `onError` made safe to call from anywhere: a throwing handler cannot break the block. */
function reporter(onError = defaultOnError) {
  if (typeof onError !== 'function') throw new TypeError('onError must be a function')
  return (error) => {
    try {
      onError(error)
    } catch {
      // The handler is the last stop for this error; there is nowhere further to send it.
    }
  }
}

module.exports = { UnreadableDataError, reporter }
