'use strict'
// The producer's side of a chat stream: appends in call order, a final done/error entry, and the
// rule that a reply is either whole or marked failed — never silently missing a chunk.
const { ReplyError, neverSent } = require('../errors.js')
const { StreamExistsError, StreamNotFoundError, StreamWriteError, describe } = require('./errors.js')

// One atomic step (one round trip) per entry: check the stream's state, XADD, notify readers and
// refresh the TTL. Refused with a STREAM* error reply: `start` on an existing stream, anything
// else on a missing one (expired, or never created) or after its final entry, and a chunk once
// the stream holds maxLen entries — a reply is never trimmed (a trimmed reply read from the start
// would look whole), so the cap ends it instead.
//
// Sent with EVAL, script text included, every time. Not EVALSHA with an EVAL fallback: when the
// server's script cache is empty (restart, failover, SCRIPT FLUSH), pipelined appends would each
// fail with NOSCRIPT and be re-sent later as EVAL, and one whose EVALSHA ran after another client
// reloaded the script would land before the earlier ones: chunks out of order.
const APPEND = `
local newest = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local previous = '0-0'
if #newest > 0 then
  if ARGV[2] == 'start' then return redis.error_reply('STREAMEXISTS') end
  local last = newest[1][2][2]
  if last == 'done' or last == 'error' then return redis.error_reply('STREAMFINISHED') end
  if ARGV[2] == 'chunk' and redis.call('XLEN', KEYS[1]) >= tonumber(ARGV[1]) then return redis.error_reply('STREAMFULL') end
  previous = newest[1][1]
elseif ARGV[2] ~= 'start' then
  return redis.error_reply('STREAMGONE')
end
local id = redis.call('XADD', KEYS[1], '*', 't', ARGV[2], 'd', ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('PUBLISH', KEYS[1] .. ':notify', cjson.encode({ p = previous, i = id, t = ARGV[2], d = ARGV[3] }))
return id`
  // Sent with every append: one line, no indentation, fewer bytes to carry and parse.
  .replace(/\s*\n\s*/g, ' ')
  .trim()

// An append rejected with one of these codes was never sent: the endpoint refused the connection,
// or the client withdrew it unsent (its commandTimeout fired while it waited, ETIMEDOUT; its queue
// was full, EQUEUEFULL). When every later one of the batch was never sent either, the writer
// re-sends them itself, in order, for this long.
const RESEND_WINDOW_MS = 10_000
const RESEND_DELAY_MS = 100
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Marks a promise's rejection handled (it still rejects for whoever awaits it). */
function handled(promise) {
  promise.catch(() => {})
  return promise
}

class ChatStreamWriter {
  constructor(streams, id) {
    this.streams = streams
    this.id = id
    this.key = streams.key(id)
    this.finished = false
    this._queue = [] // entries not yet sent: { type, data, ttl, resolve, reject }
    this._sending = false
    this._failure = undefined // the first failed write; from then on nothing more is written
    this._marked = undefined // the write of the error entry after a failure: resolves its id or undefined
  }

  /** Writes the `start` entry; rejects with StreamExistsError when the id is taken. */
  async _start() {
    return this._send('start', '', this.streams.activeTtlSeconds)
  }

  /**
   * Appends one chunk; resolves with its entry id. Its rejection is never unhandled, since
   * appends are often not awaited one by one: a failed append fails the writer, and done()
   * reports it.
   */
  append(text) {
    if (typeof text !== 'string') {
      const error = new TypeError('append() takes a string chunk')
      if (!this.finished) this._fail(error)
      return handled(Promise.reject(error))
    }
    return handled(this._write('chunk', text, this.streams.activeTtlSeconds))
  }

  /** Marks the reply complete; it stays resumable for finishedTtlSeconds. */
  done() {
    return this._finish('done', '')
  }

  /** Marks the reply failed; readers throw StreamFailedError with `reason`. */
  fail(reason) {
    return this._finish('error', reasonText(reason))
  }

  /** The writer counts as finished from the call on (so an append issued after done() rejects even
   * before done() resolves), and again unfinished if that write fails. */
  async _finish(type, data) {
    if (this.finished) throw finishedError(this.id)
    this.finished = true
    try {
      return await this._write(type, data, this.streams.finishedTtlSeconds)
    } catch (error) {
      this.finished = false
      if (this._failure) {
        // A failed writer settles once the stream is marked failed (or that proved impossible);
        // fail() then has what it asked for.
        const marked = await this._marked
        if (type === 'error' && marked) return marked
      }
      throw error
    }
  }

  _write(type, data, ttl) {
    if (this._failure) return Promise.reject(new StreamWriteError(this.id, this._failure))
    if (this.finished && type === 'chunk') return Promise.reject(finishedError(this.id))
    return new Promise((resolve, reject) => {
      this._queue.push({ type, data, ttl, resolve, reject })
      if (!this._sending) {
        // Sent once the current code has issued its appends: all of them leave as one batch.
        this._sending = true
        queueMicrotask(() => this._flush())
      }
    })
  }

  /**
   * Sends what is queued, one batch at a time: everything queued while a batch is in flight
   * leaves together as the next one (the client pipelines it into one request). A batch whose
   * failures were all never sent is re-sent; any other failure fails the writer.
   */
  async _flush() {
    let resendUntil
    while (this._queue.length > 0 && !this._failure) {
      const batch = this._queue.splice(0)
      const results = await Promise.allSettled(batch.map((e) => this._send(e.type, e.data, e.ttl)))
      let ok = 0
      while (ok < batch.length && results[ok].status === 'fulfilled') batch[ok].resolve(results[ok++].value)
      if (ok === batch.length) {
        resendUntil = undefined
        continue
      }
      resendUntil ??= Date.now() + RESEND_WINDOW_MS
      const rest = results.slice(ok)
      if (rest.every((r) => r.status === 'rejected' && neverSent(r.reason)) && Date.now() < resendUntil) {
        this._queue.unshift(...batch.slice(ok))
        await sleep(RESEND_DELAY_MS)
        continue
      }
      const cause = results[ok].reason
      batch[ok].reject(cause)
      this._fail(cause, batch.slice(ok + 1))
    }
    this._sending = false
  }

  /** From the first failure on, the writer is failed: what is queued rejects, and the stream gets
   * an error entry so readers don't take the partial reply as whole. */
  _fail(cause, pending = []) {
    this._failure ??= cause
    for (const entry of [...pending, ...this._queue.splice(0)]) {
      entry.reject(new StreamWriteError(this.id, this._failure))
    }
    this._marked ??= this._markFailed(this._failure)
  }

  async _markFailed(cause) {
    const deadline = Date.now() + RESEND_WINDOW_MS
    for (;;) {
      try {
        return await this._send('error', `append failed (${describe(cause)})`, this.streams.finishedTtlSeconds)
      } catch (error) {
        // Refused (the stream is finished or gone: nothing to mark) or undeliverable: readers end
        // when the key expires instead.
        if (!neverSent(error) || Date.now() >= deadline) return undefined
        await sleep(RESEND_DELAY_MS)
      }
    }
  }

  async _send(type, data, ttl) {
    const { redis, maxLen } = this.streams
    try {
      return await redis.eval(APPEND, 1, this.key, maxLen, type, data, ttl)
    } catch (error) {
      throw refusal(error, this, type) ?? error
    }
  }
}

/** The typed error for the append script's STREAM* refusals; undefined for any other error. */
function refusal(error, writer, type) {
  const code = error instanceof ReplyError && /\bSTREAM(EXISTS|FINISHED|FULL|GONE)\b/.exec(error.message)?.[1]
  if (!code) return undefined
  if (code === 'EXISTS') return new StreamExistsError(writer.id)
  if (code === 'GONE') return new StreamNotFoundError(writer.id)
  if (code === 'FINISHED') return finishedError(writer.id)
  const full = new RangeError(
    `chat stream ${JSON.stringify(writer.id)} holds maxLen (${writer.streams.maxLen}) entries: a ${type} cannot follow`,
  )
  full.code = 'ESTREAMFULL'
  return full
}

/** What readers get as the failure's message: an Error's message, a string as it is, else JSON. */
function reasonText(reason) {
  if (reason instanceof Error) return reason.message || reason.name
  if (typeof reason === 'string') return reason
  try {
    const json = JSON.stringify(reason)
    if (typeof json === 'string') return json
  } catch {}
  return String(reason)
}

function finishedError(id) {
  return new Error(`chat stream ${JSON.stringify(id)} is already finished`)
}

module.exports = { ChatStreamWriter }
