'use strict'
// The error classes: one hierarchy under RedisError, each kind built in one place.
//
//   RedisError                    every error the client produces (not TypeErrors for bad arguments)
//   ├─ ReplyError                 Redis answered with an error (WRONGTYPE, NOSCRIPT, EXECABORT…); as in ioredis
//   ├─ TransportError             no Redis reply: endpoint unreachable, HTTP error, bad response… (`code`)
//   │  ├─ TimeoutError            commandTimeout or the request timeout: ETIMEDOUT / ETIMEDOUT_MAYBE_APPLIED
//   │  └─ QueueFullError          maxQueuedCommands commands already wait to be sent: EQUEUEFULL
//   ├─ ClosedError                after quit()/disconnect(): ECLOSED, "Connection is closed." (ioredis's text)
//   ├─ RestrictedCommandError     a command the REST API cannot run, refused before sending
//   ├─ ConfigError                a configuration that cannot work (ERR_INVALID_CONFIG) or is missing (ERR_MISSING_CONFIG)
//   └─ InternalError              a bug in the native code (a panic), reported instead of crashing: EINTERNAL
//
// The codes come from the native core (crates/transport/src/error.rs), the one list; native errors
// arrive with a real `code` and become these classes in `fromNative`.
const native = require('./native.js')

/** Every `code` the package reports, besides `EHTTP_<status>`. */
const errorCodes = Object.freeze(native.errorCodes())
const code = Object.freeze(Object.fromEntries(errorCodes.map((c) => [c, c])))
const HTTP_PREFIX = 'EHTTP_'

class RedisError extends Error {
  constructor(message, options) {
    super(message, options)
    this.name = 'RedisError'
  }
}

/** A Redis error reply; `message` is Redis's own text, `command` what was sent. */
class ReplyError extends RedisError {
  constructor(message, command) {
    super(message)
    this.name = 'ReplyError'
    if (command) this.command = command
  }
}

/** A request that got no Redis reply. `code` is one of `errorCodes` or `EHTTP_<status>`. */
class TransportError extends RedisError {
  constructor(errorCode, message, options) {
    super(message, options)
    this.name = 'TransportError'
    this.code = errorCode
  }
}

/**
 * No answer in time. `ETIMEDOUT`: the command was never sent and never will be (safe to retry);
 * `ETIMEDOUT_MAYBE_APPLIED`: it had been sent, so it may have run.
 */
class TimeoutError extends TransportError {
  constructor(errorCode, message) {
    super(errorCode, message)
    this.name = 'TimeoutError'
  }
}

/** Refused at once, never sent: too many commands already wait for the endpoint. */
class QueueFullError extends TransportError {
  constructor(message) {
    super(code.EQUEUEFULL, message)
    this.name = 'QueueFullError'
  }
}

/** The client was closed (quit/disconnect) before the command could complete. */
class ClosedError extends RedisError {
  constructor() {
    super('Connection is closed.')
    this.name = 'ClosedError'
    this.code = code.ECLOSED
  }
}

/** A command the REST API cannot run (blocking, connection state…); rejected before sending. */
class RestrictedCommandError extends RedisError {
  constructor(message) {
    super(message.replace(/^ERR /, ''))
    this.name = 'RestrictedCommandError'
    this.code = code.ERR_REST_UNSUPPORTED
  }
}

/**
 * A configuration that cannot work (an unusable URL or token…: ERR_INVALID_CONFIG), or none at all
 * (no URL or token given or in the environment: ERR_MISSING_CONFIG, from each command).
 */
class ConfigError extends RedisError {
  constructor(message, errorCode = code.ERR_INVALID_CONFIG) {
    super(message)
    this.name = 'ConfigError'
    this.code = errorCode
  }
}

/** A bug in the native code, caught and reported instead of crashing the process. */
class InternalError extends RedisError {
  constructor(message, options) {
    super(message, options)
    this.name = 'InternalError'
    this.code = code.EINTERNAL
  }
}

/** The error of a native `code` (from the reply buffer, an event, or a native throw). */
function errorFromCode(errorCode, message) {
  switch (errorCode) {
    case code.ETIMEDOUT:
    case code.ETIMEDOUT_MAYBE_APPLIED:
      return new TimeoutError(errorCode, message)
    case code.EQUEUEFULL:
      return new QueueFullError(message)
    case code.ECLOSED:
      return new ClosedError()
    case code.ERR_REST_UNSUPPORTED:
      return new RestrictedCommandError(message)
    case code.ERR_INVALID_CONFIG:
    case code.ERR_MISSING_CONFIG:
      return new ConfigError(message, errorCode)
    case code.EINTERNAL:
      return new InternalError(message)
    default:
      return new TransportError(errorCode, message)
  }
}

/**
 * What a native call threw, as one of these classes. Errors of ours carry a listed code; anything
 * else (an argument napi could not convert) is a bug on this side of the boundary.
 */
function fromNative(thrown) {
  const { code: thrownCode, message } = thrown ?? {}
  if (errorCodes.includes(thrownCode) || String(thrownCode).startsWith(HTTP_PREFIX)) {
    return errorFromCode(thrownCode, message)
  }
  return new InternalError(`native call failed (${thrownCode}): ${message}`, { cause: thrown })
}

/** commandTimeout elapsed: before the command was sent (never will be), or after (may have run). */
function commandTimedOut(sent) {
  return sent
    ? new TimeoutError(code.ETIMEDOUT_MAYBE_APPLIED, 'Command timed out after it was sent; it may have been applied')
    : new TimeoutError(code.ETIMEDOUT, 'Command timed out')
}

function queueFull(limit) {
  return new QueueFullError(
    `Command refused: ${limit} commands already wait to be sent (maxQueuedCommands); the REST endpoint is not keeping up`,
  )
}

function connectionClosed() {
  return new ClosedError()
}

/**
 * The codes that prove a command never reached the server, so even a write may be sent again: a
 * refused or failed connection (crates/transport's `never_sent()`), a command its timeout withdrew
 * before it left (ETIMEDOUT; one already sent is ETIMEDOUT_MAYBE_APPLIED), one the queue cap refused.
 */
const NEVER_SENT = new Set([code.ECONNREFUSED, code.ECONNECT, code.ETIMEDOUT, code.EQUEUEFULL])

/** Whether `error` proves its command never reached the server (see NEVER_SENT). */
function neverSent(error) {
  return error instanceof RedisError && NEVER_SENT.has(error.code)
}

module.exports = {
  errorCodes,
  neverSent,
  RedisError,
  ReplyError,
  TransportError,
  TimeoutError,
  QueueFullError,
  ClosedError,
  RestrictedCommandError,
  ConfigError,
  InternalError,
  errorFromCode,
  fromNative,
  commandTimedOut,
  queueFull,
  connectionClosed,
}
