'use strict'
// Durable, resumable chat streams: a reply is appended chunk by chunk to a Redis stream, and any
// number of readers follow it from any position — history first, then live — with no gaps and no
// duplicates, even across reconnects, late joins and gateway restarts. Entries carry `t` (type:
// start | chunk | done | error) and `d` (data).
//
// This file is the public face; the parts: writer.js (appends and the append script), reader.js
// (a reader's loop), listeners.js (shared notify subscriptions), web.js (Web/SSE streams),
// ids.js (entry ids), options.js (options), errors.js (what readers and writers end with).
const { resolveStreamOptions } = require('./options.js')
const { ChatStreamWriter } = require('./writer.js')
const { readChatStream, remainderAfter } = require('./reader.js')
const { textStream, sseStream } = require('./web.js')
const { canonicalId } = require('./ids.js')
const errors = require('./errors.js')

class ChatStreams {
  /**
   * @param {import('../redis.js').Redis} redis used for commands and for the pub/sub notifications
   * @param {{ prefix?: string, maxLen?: number, activeTtlSeconds?: number, finishedTtlSeconds?: number,
   *           pollMs?: number }} [options]
   *   maxLen caps the entries of a stream (an append beyond it fails the reply; nothing is trimmed);
   *   activeTtlSeconds bounds a stream whose producer died; finishedTtlSeconds is how long a
   *   finished reply stays resumable; pollMs is the longest a reader waits without a notification
   *   before it checks again (and so bounds how long it takes to notice an expired stream).
   */
  constructor(redis, options) {
    if (typeof redis?.eval !== 'function' || typeof redis.subscribe !== 'function') {
      throw new TypeError('ChatStreams: the first argument must be a Redis client')
    }
    const { prefix, maxLen, activeTtlSeconds, finishedTtlSeconds, pollMs } = resolveStreamOptions(options)
    this.redis = redis
    this.prefix = prefix
    this.maxLen = maxLen
    this.activeTtlSeconds = activeTtlSeconds
    this.finishedTtlSeconds = finishedTtlSeconds
    this.pollMs = pollMs
  }

  /** The key of stream `id`: a non-empty string (anything else would name some other stream). */
  key(id) {
    if (typeof id !== 'string' || id === '') {
      throw new TypeError(`a chat stream id must be a non-empty string, got ${id === '' ? "''" : typeof id}`)
    }
    return this.prefix + id
  }

  /** Starts a stream and returns its writer; rejects with StreamExistsError when `id` is taken. */
  async create(id) {
    const writer = new ChatStreamWriter(this, id)
    await writer._start()
    return writer
  }

  /** A writer for a stream created elsewhere. */
  writer(id) {
    return new ChatStreamWriter(this, id)
  }

  /**
   * Follows a stream: yields `{ id, text }` for each chunk after `after` ('0' for all of it, the last
   * id a client saw to resume, or '$' for only what comes next), ends when the producer marks it
   * done, throws StreamFailedError when it marks it failed, StreamNotFoundError when there is no
   * such stream (or it expired while read), InvalidResumePointError for a bad `after`.
   * @param {string} id
   * @param {{ after?: string, signal?: AbortSignal }} [options]
   */
  read(id, options) {
    return readChatStream(this, id, options)
  }

  /** A Web ReadableStream of the chunks' text as UTF-8 bytes (a Next.js route's Response body). */
  toReadableStream(id, options) {
    return textStream((signal) => this.read(id, { ...options, signal }), options?.signal)
  }

  /** A Web ReadableStream of Server-Sent Events bytes; see web.js. */
  toSSEStream(id, options) {
    return sseStream((signal) => this.read(id, { ...options, signal }), options?.signal)
  }

  /**
   * The whole answer to an EventSource request, resuming from its Last-Event-ID: 200 with the SSE
   * stream while there is something to send, and 204 No Content — which makes EventSource stop for
   * good instead of reconnecting — when there is no such stream, or the client already has all of
   * a finished one (it reconnected after the end). A failure to look (the REST endpoint
   * unreachable…) answers 200 with the stream, whose error cuts the body, so EventSource retries.
   */
  async toSSEResponse(
    id,
    request,
    { after = ChatStreams.resumePoint(request), signal = request?.signal, headers } = {},
  ) {
    this.key(id)
    let remainder = 'more'
    try {
      remainder = await remainderAfter(this, id, after)
    } catch (error) {
      if (errors.isFinal(error)) remainder = 'none'
    }
    if (remainder !== 'more') return new Response(null, { status: 204, headers: { 'cache-control': 'no-store' } })
    return new Response(this.toSSEStream(id, { after, signal }), {
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        ...headers,
      },
    })
  }

  /**
   * Where a resuming request continues: its Last-Event-ID header when Redis accepts it as an entry
   * id (canonical form), else the beginning.
   */
  static resumePoint(request) {
    const header = request?.headers?.get ? request.headers.get('last-event-id') : request?.headers?.['last-event-id']
    return (typeof header === 'string' && canonicalId(header)) || '0'
  }
}

module.exports = {
  ChatStreams,
  ChatStreamWriter,
  StreamFailedError: errors.StreamFailedError,
  StreamNotFoundError: errors.StreamNotFoundError,
  StreamExistsError: errors.StreamExistsError,
  StreamWriteError: errors.StreamWriteError,
  InvalidResumePointError: errors.InvalidResumePointError,
}
