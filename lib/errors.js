'use strict'
// Error classes, shaped like ioredis's so `err.name` checks and `instanceof` keep working.

/** A Redis error reply (WRONGTYPE, NOSCRIPT, EXECABORT…); `message` is Redis's own text. */
class ReplyError extends Error {
  constructor(message, command) {
    super(message)
    this.name = 'ReplyError'
    if (command) this.command = command
  }
}

/**
 * A request that got no Redis reply: the endpoint was unreachable, too slow, refused the token…
 * `code` is stable: ECONNREFUSED, ETIMEDOUT, ECONNRESET, ETLS, EHTTP_<status>, EUNAUTHORIZED, ECLOSED.
 */
class TransportError extends Error {
  constructor(code, message) {
    super(message)
    this.name = 'TransportError'
    this.code = code
  }
}

/** A command the REST API cannot run (blocking, connection state…); rejected before sending. */
class RestrictedCommandError extends Error {
  constructor(message) {
    super(message.replace(/^ERR /, ''))
    this.name = 'RestrictedCommandError'
    this.code = 'ERR_REST_UNSUPPORTED'
  }
}

/** commandTimeout elapsed; same text as ioredis. */
class CommandTimeoutError extends Error {
  constructor() {
    super('Command timed out')
    this.name = 'TimeoutError'
    this.code = 'ETIMEDOUT'
  }
}

/** After quit() or disconnect(); same text as ioredis. */
function connectionClosed() {
  const error = new Error('Connection is closed.')
  error.code = 'ECLOSED'
  return error
}

module.exports = { ReplyError, TransportError, RestrictedCommandError, CommandTimeoutError, connectionClosed }
