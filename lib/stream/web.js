'use strict'
// Web ReadableStreams over a chat-stream reader: the chunks' text as UTF-8 bytes (what a Fetch
// Response body takes), and Server-Sent Events. Both pull on demand; cancelling one aborts its
// reader, which drops the subscription at once.
const { isFinal } = require('./errors.js')

const encoder = new TextEncoder()

/** The chunks' text, UTF-8 encoded; errors as the reader throws. */
function textStream(read, outerSignal) {
  return toWebStream(read, outerSignal, (chunk) => encoder.encode(chunk.text))
}

/**
 * Server-Sent Events: each chunk as `id: <entry id>` + `data:` lines, `event: done` at the end,
 * `event: error` for the stream's final errors (failed, absent, an impossible resume point) — the
 * client closes its EventSource on either. Any other error (the REST endpoint unreachable…) says
 * nothing about the reply, so it errors the byte stream: the response is cut off and EventSource
 * reconnects with its Last-Event-ID.
 */
function sseStream(read, outerSignal) {
  return toWebStream(read, outerSignal, (chunk) => encoder.encode(sseEvent(chunk.text, chunk.id)), {
    end: () => encoder.encode('event: done\ndata: \n\n'),
    error: (error) => (isFinal(error) ? encoder.encode(sseEvent(error.message, undefined, 'error')) : undefined),
  })
}

function sseEvent(text, id, event) {
  let out = ''
  if (event) out += `event: ${event}\n`
  if (id) out += `id: ${id}\n`
  for (const line of text.split(/\r\n|\r|\n/)) out += `data: ${line}\n`
  return out + '\n'
}

/**
 * Pulls from the reader on demand. Cancelling the Web stream aborts the read (so a reader waiting
 * for the next chunk stops at once instead of at that chunk) and then closes the iterator.
 */
function toWebStream(read, outerSignal, encode, { end, error } = {}) {
  const abort = new AbortController()
  const signal = outerSignal ? anySignal([outerSignal, abort.signal]) : abort.signal
  const iterator = read(signal)
  return new ReadableStream({
    async pull(controller) {
      let result
      try {
        result = await iterator.next()
      } catch (e) {
        // The reader threw, so it is over (its subscription released).
        if (signal.aborted) return closeQuietly(controller) // stopped on purpose: not an error
        const last = error?.(e)
        if (last) {
          controller.enqueue(last)
          controller.close()
        } else {
          controller.error(e)
        }
        return
      }
      try {
        if (result.done) {
          if (end && !signal.aborted) controller.enqueue(end())
          controller.close()
        } else {
          controller.enqueue(encode(result.value))
        }
      } catch (e) {
        // Failing to hand a value on must not leave the reader (and its subscription) behind.
        abort.abort()
        await iterator.return?.()
        throw e
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

module.exports = { textStream, sseStream }
