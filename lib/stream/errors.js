'use strict'
// The errors a chat stream's reader or writer ends with. Final ones (isFinal) are the stream's own
// answer — failed, absent, or a resume point that can never be valid — so an SSE response reports
// them as `event: error` and ends; anything else (the REST endpoint unreachable…) is a failure to
// read, and the client should retry.

/** The producer called fail(reason), or its writer failed: `message` is the reason. */
class StreamFailedError extends Error {
  constructor(message) {
    super(message)
    this.name = 'StreamFailedError'
  }
}

/** No stream with this id: never created, expired (its producer died), or expired after it finished. */
class StreamNotFoundError extends Error {
  constructor(id) {
    super(`no chat stream ${JSON.stringify(id)}: never created, or expired`)
    this.name = 'StreamNotFoundError'
  }
}

/** create() on an id whose stream still exists (live, or finished and not yet expired). */
class StreamExistsError extends Error {
  constructor(id) {
    super(`chat stream ${JSON.stringify(id)} already exists: use a new id, or wait until it expires`)
    this.name = 'StreamExistsError'
  }
}

/**
 * A writer whose earlier append (or final write) failed: the reply has a hole, so nothing more is
 * written to it and readers are told it failed. `cause` is the first failure.
 */
class StreamWriteError extends Error {
  constructor(id, cause) {
    super(`chat stream ${JSON.stringify(id)}: an append failed (${describe(cause)}), so the reply is incomplete`, {
      cause,
    })
    this.name = 'StreamWriteError'
  }
}

/** A read's `after` that is not '0', '$' or a stream entry id Redis accepts. */
class InvalidResumePointError extends TypeError {
  constructor(after) {
    super(`after must be '0', '$' or a stream entry id (<ms>-<seq>, each at most 2^64-1), got ${quote(after)}`)
    this.name = 'InvalidResumePointError'
  }
}

/** An error that is the stream's final word (as opposed to a failure to read it). */
function isFinal(error) {
  return (
    error instanceof StreamFailedError ||
    error instanceof StreamNotFoundError ||
    error instanceof InvalidResumePointError
  )
}

/** The code of an error when it has one (never its message: it reaches browsers via `event: error`). */
function describe(error) {
  return error?.code ?? error?.name ?? 'unknown error'
}

function quote(value) {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? value.slice(0, 80) + '…' : value)
  return typeof value === 'object' && value !== null ? Object.prototype.toString.call(value) : String(value)
}

module.exports = {
  StreamFailedError,
  StreamNotFoundError,
  StreamExistsError,
  StreamWriteError,
  InvalidResumePointError,
  isFinal,
  describe,
}
