'use strict'
// Durable, resumable chat streams: a reply is appended chunk by chunk to a Redis stream, and any
// number of readers follow it from any position — history first, then live — with no gaps and no
// duplicates, even across reconnects, late joins and gateway restarts.
//
// Entries carry `t` (type: start | chunk | done | error) and `d` (data). Every append also
// publishes the new entry on `<key>:notify` together with the id of the entry before it; readers
// subscribe *before* reading, so an append after a read always wakes them. A reader whose last id
// is that previous id takes the entry straight from the notification (one hop, like plain pub/sub);
// any other reader — catching up, or after a missed notification — reads the range after its last
// id, and a periodic re-read covers notifications lost while a pub/sub stream was reconnecting.
// Entry ids are strictly increasing, so "after the last id" never repeats and never skips.

// XADD, notify and refresh the TTL in one atomic step (one round trip). Sent with EVAL, script
// text included, every time. Not EVALSHA with an EVAL fallback: when the server's script cache is
// empty (restart, failover, SCRIPT FLUSH), pipelined appends would each fail with NOSCRIPT and be
// re-sent later as EVAL, and one whose EVALSHA ran after another client reloaded the script would
// land before the earlier ones: chunks out of order.
const APPEND = `
local newest = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local previous = '0-0'
if #newest > 0 then previous = newest[1][1] end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 't', ARGV[2], 'd', ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('PUBLISH', KEYS[1] .. ':notify', cjson.encode({ p = previous, i = id, t = ARGV[2], d = ARGV[3] }))
return id`
  // Sent with every append: one line, no indentation, fewer bytes to carry and parse.
  .replace(/\s*\n\s*/g, ' ')
  .trim()

const READ_BATCH = 1000

class StreamFailedError extends Error {
  constructor(message) {
    super(message)
    this.name = 'StreamFailedError'
  }
}

class StreamNotFoundError extends Error {
  constructor(id) {
    super(`no chat stream ${JSON.stringify(id)}: never created, or expired after it finished`)
    this.name = 'StreamNotFoundError'
  }
}

class ChatStreams {
  /**
   * @param {import('../redis.js').Redis} redis used for commands and for the pub/sub notifications
   * @param {{ prefix?: string, maxLen?: number, activeTtlSeconds?: number, finishedTtlSeconds?: number,
   *           pollMs?: number }} [options]
   *   maxLen caps the entries kept per stream (approximately); activeTtlSeconds bounds a stream whose
   *   producer died; finishedTtlSeconds is how long a finished reply stays resumable; pollMs is the
   *   longest a reader waits without a notification before it checks again.
   */
  constructor(
    redis,
    {
      prefix = 'chat:stream:',
      maxLen = 100_000,
      activeTtlSeconds = 24 * 3600,
      finishedTtlSeconds = 3600,
      pollMs = 1000,
    } = {},
  ) {
    this.redis = redis
    this.prefix = prefix
    this.maxLen = maxLen
    this.activeTtlSeconds = activeTtlSeconds
    this.finishedTtlSeconds = finishedTtlSeconds
    this.pollMs = pollMs
  }

  key(id) {
    return this.prefix + id
  }

  /** Starts a stream and returns its writer. */
  async create(id) {
    const writer = new ChatStreamWriter(this, id)
    await writer.write('start', '')
    return writer
  }

  /** A writer for a stream created elsewhere. */
  writer(id) {
    return new ChatStreamWriter(this, id)
  }

  /**
   * Follows a stream: yields `{ id, text }` for each chunk after `after` ('0' for all of it, the last
   * id a client saw to resume, or '$' for only what comes next), ends when the producer marks it
   * done, throws StreamFailedError when it marks it failed.
   * @param {string} id
   * @param {{ after?: string, signal?: AbortSignal }} [options]
   */
  async *read(id, { after = '0', signal } = {}) {
    const key = this.key(id)
    // The script publishes on KEYS[1] .. ':notify', and KEYS[1] carries the client's keyPrefix;
    // channel names get no prefix, so it is added here.
    const channel = (this.redis.options?.keyPrefix ?? '') + key + ':notify'
    const registry = registryOf(this.redis)
    let dirty = true
    let wake = () => {}
    let last
    let reading = false // a range read is in flight or its batch is being yielded
    const direct = [] // entries taken from notifications, in order
    const onNotify = (entry) => {
      if (entry && !reading && entry.p === last) {
        direct.push(entry)
        last = entry.i
      } else {
        dirty = true
      }
      wake()
    }
    const onAbort = () => onNotify()
    if (signal?.aborted) return
    await registry.listen(channel, onNotify)
    signal?.addEventListener('abort', onAbort)
    try {
      if (after === '$') {
        // Only what comes next — unless nothing will: a finished stream ends (or fails) at once.
        const newest = await this.redis.xrevrange(key, '+', '-', 'COUNT', 1)
        if (newest.length === 0) throw new StreamNotFoundError(id)
        const [newestId, fields] = newest[0]
        const { t: type, d: data } = fieldsOf(fields)
        if (type === 'done') return
        if (type === 'error') throw new StreamFailedError(data)
        last = newestId
      } else {
        last = normalizeId(after)
      }
      if (!(await this.redis.exists(key))) throw new StreamNotFoundError(id)
      for (;;) {
        if (signal?.aborted) return
        while (direct.length > 0) {
          const { i: entryId, t: type, d: data } = direct.shift()
          if (type === 'chunk') yield { id: entryId, text: data }
          else if (type === 'done') return
          else if (type === 'error') throw new StreamFailedError(data)
        }
        if (!dirty) {
          await new Promise((resolve) => {
            // No notification for pollMs: read anyway, in case one was lost in a reconnect.
            const timer = setTimeout(() => {
              dirty = true
              resolve()
            }, this.pollMs)
            wake = () => {
              clearTimeout(timer)
              resolve()
            }
          })
          wake = () => {}
          continue // entries taken from notifications go out before any range read
        }
        dirty = false
        reading = true
        const entries = await this.redis.xrange(key, `(${last}`, '+', 'COUNT', READ_BATCH)
        if (entries.length === READ_BATCH) dirty = true
        if (entries.length > 0) last = entries[entries.length - 1][0]
        for (const [entryId, fields] of entries) {
          const { t: type, d: data } = fieldsOf(fields)
          if (type === 'chunk') yield { id: entryId, text: data }
          else if (type === 'done') return
          else if (type === 'error') throw new StreamFailedError(data)
        }
        reading = false
      }
    } finally {
      signal?.removeEventListener('abort', onAbort)
      await registry.unlisten(channel, onNotify)
    }
  }

  /** A Web ReadableStream of the chunks' text (for a Next.js route's Response). */
  toReadableStream(id, options) {
    return toWebStream(
      (signal) => this.read(id, { ...options, signal }),
      options?.signal,
      (chunk) => chunk.text,
    )
  }

  /**
   * A Web ReadableStream of Server-Sent Events bytes: each chunk as `id: <entry id>` + `data:`
   * lines, so a browser's EventSource resumes with Last-Event-ID; `event: done` at the end,
   * `event: error` when the producer failed the stream or there is no such stream. Any other error
   * (the REST endpoint unreachable…) says nothing about the reply, so it errors the byte stream
   * instead: the response is cut off and EventSource reconnects with its Last-Event-ID.
   */
  toSSEStream(id, options) {
    const encoder = new TextEncoder()
    const encode = (chunk) => encoder.encode(sseEvent(chunk.text, chunk.id))
    return toWebStream((signal) => this.read(id, { ...options, signal }), options?.signal, encode, {
      end: () => encoder.encode('event: done\ndata: \n\n'),
      error: (error) => (isFinal(error) ? encoder.encode(sseEvent(error.message, undefined, 'error')) : undefined),
    })
  }

  /** Where a resuming request continues: its Last-Event-ID header, else the beginning. */
  static resumePoint(request) {
    const header = request?.headers?.get ? request.headers.get('last-event-id') : request?.headers?.['last-event-id']
    return header && /^\d+-\d+$/.test(header) ? header : '0'
  }
}

/**
 * The notify-channel subscriptions of one client, shared by every ChatStreams on it: a channel is
 * subscribed while at least one reader (of any instance) follows it, and every reader waits for the
 * server to confirm that subscription before it reads, so no append after its read goes unnoticed.
 */
const registries = new WeakMap()

function registryOf(redis) {
  let registry = registries.get(redis)
  if (!registry) {
    registry = new ListenerRegistry(redis)
    registries.set(redis, registry)
  }
  return registry
}

class ListenerRegistry {
  constructor(redis) {
    this.redis = redis
    this.channels = new Map() // notify channel → { wakes: Set of wake functions, ready: Promise }
    this.onMessage = (channel, message) => {
      const wakes = this.channels.get(channel)?.wakes
      if (!wakes) return
      const entry = parseNotification(message) // once, however many readers follow the stream
      for (const wake of wakes) wake(entry)
    }
    // After a pub/sub reconnect, notifications may have been missed: every reader re-reads.
    this.onReady = () => {
      for (const { wakes } of this.channels.values()) for (const wake of wakes) wake()
    }
  }

  /** Resolves once `channel` is subscribed; on failure nothing of this call is left behind. */
  async listen(channel, wake) {
    let entry = this.channels.get(channel)
    if (!entry) {
      if (this.channels.size === 0) {
        this.redis.on('message', this.onMessage)
        this.redis.on('ready', this.onReady)
      }
      entry = { wakes: new Set(), ready: undefined }
      this.channels.set(channel, entry)
      entry.ready = this.redis.subscribe(channel)
    }
    entry.wakes.add(wake)
    try {
      await entry.ready
    } catch (error) {
      await this.unlisten(channel, wake)
      throw error
    }
  }

  async unlisten(channel, wake) {
    const entry = this.channels.get(channel)
    if (!entry || !entry.wakes.delete(wake) || entry.wakes.size > 0) return
    this.channels.delete(channel)
    if (this.channels.size === 0) {
      this.redis.off('message', this.onMessage)
      this.redis.off('ready', this.onReady)
    }
    if (this.redis.status !== 'end') await this.redis.unsubscribe(channel).catch(() => {})
  }
}

class ChatStreamWriter {
  constructor(streams, id) {
    this.streams = streams
    this.id = id
    this.key = streams.key(id)
    this.finished = false
  }

  /** Appends one chunk; resolves with its entry id. */
  append(text) {
    if (typeof text !== 'string') return Promise.reject(new TypeError('append() takes a string chunk'))
    return this.write('chunk', text)
  }

  /** Marks the reply complete; it stays resumable for finishedTtlSeconds. */
  done() {
    return this.finish('done', '')
  }

  /** Marks the reply failed; readers throw StreamFailedError with `reason`. */
  fail(reason) {
    return this.finish('error', String(reason instanceof Error ? reason.message : reason))
  }

  /** Writes the final entry. The writer counts as finished from the call on (so an append issued
   * after done() rejects even before done() resolves), and again unfinished if that write fails. */
  async finish(type, data) {
    if (this.finished) throw finishedError(this.id)
    this.finished = true
    try {
      return await this.send(type, data, this.streams.finishedTtlSeconds)
    } catch (error) {
      this.finished = false
      throw error
    }
  }

  write(type, data) {
    if (this.finished) return Promise.reject(finishedError(this.id))
    return this.send(type, data, this.streams.activeTtlSeconds)
  }

  send(type, data, ttl) {
    const { redis, maxLen } = this.streams
    return redis.eval(APPEND, 1, this.key, maxLen, type, data, ttl)
  }
}

function finishedError(id) {
  return new Error(`chat stream ${JSON.stringify(id)} is already finished`)
}

/** An error that is the stream's final word (as opposed to a failure to read it). */
function isFinal(error) {
  return error instanceof StreamFailedError || error instanceof StreamNotFoundError
}

/** `{ p, i, t, d }` from an append's notification; undefined for anything else. */
function parseNotification(message) {
  try {
    const entry = JSON.parse(message)
    return typeof entry?.p === 'string' && typeof entry.i === 'string' ? entry : undefined
  } catch {
    return undefined
  }
}

function fieldsOf(flat) {
  const fields = {}
  for (let i = 0; i < flat.length; i += 2) fields[flat[i]] = flat[i + 1]
  return fields
}

function normalizeId(after) {
  const text = String(after)
  if (text === '0' || text === '') return '0-0'
  if (!/^\d+(-\d+)?$/.test(text))
    throw new TypeError(`after must be '0', '$' or a stream entry id, got ${JSON.stringify(text)}`)
  return text
}

function sseEvent(text, id, event) {
  let out = ''
  if (event) out += `event: ${event}\n`
  if (id) out += `id: ${id}\n`
  for (const line of text.split(/\r\n|\r|\n/)) out += `data: ${line}\n`
  return out + '\n'
}

/**
 * Pulls from the iterator on demand. Cancelling the Web stream aborts the read (so a reader waiting
 * for the next chunk stops at once instead of at that chunk) and then closes the iterator.
 */
function toWebStream(start, outerSignal, encode, { end, error } = {}) {
  const abort = new AbortController()
  const signal = outerSignal ? anySignal([outerSignal, abort.signal]) : abort.signal
  const iterator = start(signal)
  return new ReadableStream({
    async pull(controller) {
      try {
        const { value, done } = await iterator.next()
        if (done) {
          if (end && !signal.aborted) controller.enqueue(end())
          controller.close()
        } else {
          controller.enqueue(encode(value))
        }
      } catch (e) {
        if (signal.aborted) return closeQuietly(controller) // stopped on purpose: not an error
        const last = error?.(e)
        if (last) {
          controller.enqueue(last)
          controller.close()
        } else {
          controller.error(e)
        }
      }
    },
    async cancel() {
      abort.abort()
      await iterator.return?.()
    },
  })
}

/** close(), unless the stream is no longer open (it was cancelled). */
function closeQuietly(controller) {
  try {
    controller.close()
  } catch {}
}

function anySignal(signals) {
  if (typeof AbortSignal.any === 'function') return AbortSignal.any(signals)
  const controller = new AbortController()
  for (const signal of signals) {
    if (signal.aborted) {
      controller.abort(signal.reason)
      break
    }
    signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true })
  }
  return controller.signal
}

module.exports = { ChatStreams, ChatStreamWriter, StreamFailedError, StreamNotFoundError }
