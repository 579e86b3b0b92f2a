'use strict'
// Durable, resumable chat streams: a reply is appended chunk by chunk to a Redis stream, and any
// number of readers follow it from any position — history first, then live — with no gaps and no
// duplicates, even across reconnects, late joins and gateway restarts.
//
// Entries carry `t` (type: start | chunk | done | error) and `d` (data). Every append also
// publishes the new id on `<key>:notify`; readers subscribe *before* reading, so an append after a
// read always wakes them, and a periodic re-read covers notifications lost while a pub/sub stream
// was reconnecting. Entry ids are strictly increasing, so "read after the last id" never repeats.

// XADD, notify and refresh the TTL in one atomic step (one round trip).
const APPEND = `
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 't', ARGV[2], 'd', ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('PUBLISH', KEYS[1] .. ':notify', id)
return id`

// Defined on the client on first use: EVALSHA, falling back to EVAL once per server.
const APPEND_COMMAND = 'fragmentChatStreamAppend'

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
  constructor(redis, { prefix = 'chat:stream:', maxLen = 100_000, activeTtlSeconds = 24 * 3600, finishedTtlSeconds = 3600, pollMs = 1000 } = {}) {
    this.redis = redis
    this.prefix = prefix
    this.maxLen = maxLen
    this.activeTtlSeconds = activeTtlSeconds
    this.finishedTtlSeconds = finishedTtlSeconds
    this.pollMs = pollMs
    this.listeners = new Map() // notify channel → Set of wake functions
    this.onMessage = (channel) => {
      for (const wake of this.listeners.get(channel) ?? []) wake()
    }
    // After a pub/sub reconnect, notifications may have been missed: every reader re-reads.
    this.onReady = () => {
      for (const wakes of this.listeners.values()) for (const wake of wakes) wake()
    }
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
    const channel = key + ':notify'
    let dirty = true
    let wake = () => {}
    const onNotify = () => {
      dirty = true
      wake()
    }
    const onAbort = () => onNotify()
    await this.listen(channel, onNotify)
    signal?.addEventListener('abort', onAbort)
    try {
      let last = after === '$' ? await this.lastId(key) : normalizeId(after)
      if (!(await this.redis.exists(key))) throw new StreamNotFoundError(id)
      for (;;) {
        if (signal?.aborted) return
        if (!dirty) {
          await new Promise((resolve) => {
            const timer = setTimeout(resolve, this.pollMs)
            wake = () => {
              clearTimeout(timer)
              resolve()
            }
          })
          wake = () => {}
          if (signal?.aborted) return
        }
        dirty = false
        const entries = await this.redis.xrange(key, `(${last}`, '+', 'COUNT', READ_BATCH)
        if (entries.length === READ_BATCH) dirty = true
        for (const [entryId, fields] of entries) {
          last = entryId
          const { t: type, d: data } = fieldsOf(fields)
          if (type === 'chunk') yield { id: entryId, text: data }
          else if (type === 'done') return
          else if (type === 'error') throw new StreamFailedError(data)
        }
      }
    } finally {
      signal?.removeEventListener('abort', onAbort)
      await this.unlisten(channel, onNotify)
    }
  }

  /** A Web ReadableStream of the chunks' text (for a Next.js route's Response). */
  toReadableStream(id, options) {
    return toWebStream(this.read(id, options), (chunk) => chunk.text)
  }

  /**
   * A Web ReadableStream of Server-Sent Events bytes: each chunk as `id: <entry id>` + `data:`
   * lines, so a browser's EventSource resumes with Last-Event-ID; `event: done` at the end,
   * `event: error` on failure.
   */
  toSSEStream(id, options) {
    const encoder = new TextEncoder()
    return toWebStream(this.read(id, options), (chunk) => encoder.encode(sseEvent(chunk.text, chunk.id)), {
      end: () => encoder.encode('event: done\ndata: \n\n'),
      error: (error) => encoder.encode(sseEvent(error.message, undefined, 'error')),
    })
  }

  /** Where a resuming request continues: its Last-Event-ID header, else the beginning. */
  static resumePoint(request) {
    const header = request?.headers?.get ? request.headers.get('last-event-id') : request?.headers?.['last-event-id']
    return header && /^\d+-\d+$/.test(header) ? header : '0'
  }

  async lastId(key) {
    const newest = await this.redis.xrevrange(key, '+', '-', 'COUNT', 1)
    return newest.length > 0 ? newest[0][0] : '0-0'
  }

  async listen(channel, wake) {
    let wakes = this.listeners.get(channel)
    if (!wakes) {
      wakes = new Set()
      this.listeners.set(channel, wakes)
      if (this.listeners.size === 1) {
        this.redis.on('message', this.onMessage)
        this.redis.on('ready', this.onReady)
      }
    }
    wakes.add(wake)
    if (wakes.size === 1) await this.redis.subscribe(channel)
  }

  async unlisten(channel, wake) {
    const wakes = this.listeners.get(channel)
    if (!wakes) return
    wakes.delete(wake)
    if (wakes.size > 0) return
    this.listeners.delete(channel)
    if (this.listeners.size === 0) {
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

  async finish(type, data) {
    const id = await this.write(type, data, this.streams.finishedTtlSeconds)
    this.finished = true
    return id
  }

  write(type, data, ttl = this.streams.activeTtlSeconds) {
    if (this.finished) return Promise.reject(new Error(`chat stream ${JSON.stringify(this.id)} is already finished`))
    const { redis, maxLen } = this.streams
    if (typeof redis[APPEND_COMMAND] !== 'function') redis.defineCommand(APPEND_COMMAND, { numberOfKeys: 1, lua: APPEND })
    return redis[APPEND_COMMAND](this.key, maxLen, type, data, ttl)
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
  if (!/^\d+(-\d+)?$/.test(text)) throw new TypeError(`after must be '0', '$' or a stream entry id, got ${JSON.stringify(text)}`)
  return text
}

function sseEvent(text, id, event) {
  let out = ''
  if (event) out += `event: ${event}\n`
  if (id) out += `id: ${id}\n`
  for (const line of text.split(/\r\n|\r|\n/)) out += `data: ${line}\n`
  return out + '\n'
}

/** Pulls from an async iterator on demand; cancelling the Web stream stops the iterator. */
function toWebStream(iterator, encode, { end, error } = {}) {
  return new ReadableStream({
    async pull(controller) {
      try {
        const { value, done } = await iterator.next()
        if (done) {
          if (end) controller.enqueue(end())
          controller.close()
        } else {
          controller.enqueue(encode(value))
        }
      } catch (e) {
        if (error) {
          controller.enqueue(error(e))
          controller.close()
        } else {
          controller.error(e)
        }
      }
    },
    cancel() {
      return iterator.return?.()
    },
  })
}

module.exports = { ChatStreams, ChatStreamWriter, StreamFailedError, StreamNotFoundError }
