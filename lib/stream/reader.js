'use strict'
// A reader of one chat stream: history first, then live, until the stream's end.
//
// Every append also publishes the new entry on `<key>:notify` together with the id of the entry
// before it; the reader subscribes *before* reading, so an append after a read always wakes it. A
// reader whose last id is that previous id takes the entry straight from the notification (one
// hop, like plain pub/sub); any other reader — catching up, or after a missed notification — reads
// the range after its last id, and a periodic re-read covers notifications lost while a pub/sub
// stream was reconnecting. Entry ids are strictly increasing, so "after the last id" never repeats
// and never skips.
//
// Every read ends: when a range read finds nothing after the reader's position, the newest entry
// says whether anything more can come — none (the key expired or never was: StreamNotFoundError),
// a final entry at or before the position (the reply is over, also for a position beyond it), or
// a live stream (wait). So an expired stream, or a resume point past the end, ends within pollMs.
const { connectionClosed } = require('../errors.js')
const { StreamFailedError, StreamNotFoundError, InvalidResumePointError } = require('./errors.js')
const { MAX_ID, canonicalId, compareIds } = require('./ids.js')
const { registryOf, CLOSED } = require('./listeners.js')

const READ_BATCH = 1000
const TRIMMED = 'the start of this reply was trimmed: it cannot be served whole'

/** The reader's starting point: '$', or the canonical id it reads after ('0' → '0-0'). */
function startingPoint(after) {
  if (after === '$') return '$'
  if (after === 0 || after === '0' || after === '') return '0-0'
  const id = canonicalId(after)
  if (id === undefined) throw new InvalidResumePointError(after)
  return id
}

/**
 * Yields `{ id, text }` for each chunk of stream `id` after `after`; see ChatStreams#read.
 * @param {import('./chat-streams.js').ChatStreams} streams
 */
async function* readChatStream(streams, id, { after = '0', signal } = {}) {
  const { redis, pollMs } = streams
  const start = startingPoint(after)
  const key = streams.key(id)
  if (signal != null && typeof signal.addEventListener !== 'function') {
    throw new TypeError('signal must be an AbortSignal')
  }
  // The append script publishes on KEYS[1] .. ':notify', and KEYS[1] carries the client's
  // keyPrefix; channel names get no prefix, so it is added here.
  const channel = (redis.options?.keyPrefix ?? '') + key + ':notify'
  const registry = registryOf(redis)
  let dirty = true
  let closed = false
  let wake = () => {}
  let last
  let reading = false // a range read is in flight or its batch is being yielded
  const direct = [] // entries taken from notifications, in order
  const onNotify = (entry) => {
    if (entry === CLOSED) closed = true
    else if (entry && !reading && entry.p === last) {
      direct.push(entry)
      last = entry.i
    } else {
      dirty = true
    }
    wake()
  }
  // Aborting drops the subscription at once, even while the consumer holds the generator at a
  // `yield` (where no code of it runs); the generator itself returns at its next step.
  let listening = false
  let released = false
  const release = async () => {
    if (!listening || released) return
    released = true
    await registry.unlisten(channel, onNotify)
  }
  const onAbort = () => {
    release()
    wake()
  }
  if (signal?.aborted) return
  signal?.addEventListener('abort', onAbort)
  try {
    // Subscribed before the first read, so no append after that read goes unnoticed — but waited
    // for at most pollMs: a subscription the server never confirms (a stalled pub/sub stream) must
    // not stall the reader, which polls anyway. A subscribe that fails first fails the read.
    const subscribed = registry.listen(channel, onNotify) // registers onNotify before it awaits
    listening = true
    subscribed.catch(() => {}) // a failure after the reader moved on: polling covers it
    await new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, pollMs)
      const settle = (fn) => (value) => {
        clearTimeout(timer)
        fn(value)
      }
      wake = settle(resolve) // a notification, an abort, the client closing
      subscribed.then(settle(resolve), settle(reject))
    })
    wake = () => {}
    if (signal?.aborted) return
    if (start === '$') {
      // Only what comes next — unless nothing will: a finished stream ends (or fails) at once.
      const newest = await redis.xrevrange(key, '+', '-', 'COUNT', 1)
      if (newest.length === 0) throw new StreamNotFoundError(id)
      const [newestId, fields] = newest[0]
      const { t: type, d: data } = fieldsOf(fields)
      if (type === 'done') return
      if (type === 'error') throw new StreamFailedError(data)
      last = newestId
    } else {
      last = start
    }
    for (;;) {
      if (signal?.aborted) return
      if (closed) throw connectionClosed()
      while (direct.length > 0) {
        const { i: entryId, t: type, d: data } = direct.shift()
        if (type === 'done') return
        if (type === 'error') throw new StreamFailedError(data)
        if (type !== 'chunk') continue
        if (signal?.aborted) return
        yield { id: entryId, text: data }
      }
      if (!dirty) {
        await new Promise((resolve) => {
          // No notification for pollMs: read anyway, in case one was lost in a reconnect.
          const timer = setTimeout(() => {
            dirty = true
            resolve()
          }, pollMs)
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
      // Redis refuses an exclusive range from the greatest id; nothing can follow it anyway.
      const entries = last === MAX_ID ? [] : await redis.xrange(key, `(${last}`, '+', 'COUNT', READ_BATCH)
      if (entries.length === READ_BATCH) dirty = true
      if (entries.length === 0) {
        const newest = await redis.xrevrange(key, '+', '-', 'COUNT', 1)
        if (newest.length === 0) throw new StreamNotFoundError(id)
        const [newestId, fields] = newest[0]
        if (compareIds(newestId, last) <= 0) {
          const { t: type, d: data } = fieldsOf(fields)
          if (type === 'done') return
          if (type === 'error') throw new StreamFailedError(data)
        } else {
          dirty = true // appended between the two reads
        }
      } else {
        // Read from the very start, a reply begins with its `start` entry; without it, its head
        // was trimmed (by something other than this module, which never trims), and the rest is
        // not the reply.
        if (last === '0-0' && fieldsOf(entries[0][1]).t !== 'start') throw new StreamFailedError(TRIMMED)
        last = entries[entries.length - 1][0]
      }
      for (const [entryId, fields] of entries) {
        const { t: type, d: data } = fieldsOf(fields)
        if (type === 'done') return
        if (type === 'error') throw new StreamFailedError(data)
        if (type !== 'chunk') continue
        if (signal?.aborted) return
        yield { id: entryId, text: data }
      }
      reading = false
    }
  } finally {
    signal?.removeEventListener('abort', onAbort)
    await release()
  }
}

/**
 * What a reader from `after` would get, without reading it: 'none' (no such stream), 'over' (the
 * stream is finished and nothing but its final entry follows `after`: the client has it all), or
 * 'more'. Throws InvalidResumePointError for a bad `after`, and the client's errors as they are.
 */
async function remainderAfter(streams, id, after) {
  const { redis } = streams
  const start = startingPoint(after)
  const key = streams.key(id)
  if (start !== '$' && start !== MAX_ID) {
    const next = await redis.xrange(key, `(${start}`, '+', 'COUNT', 1)
    if (next.length > 0) return isFinalEntry(next[0][1]) ? 'over' : 'more'
  }
  const newest = await redis.xrevrange(key, '+', '-', 'COUNT', 1)
  if (newest.length === 0) return 'none'
  const [newestId, fields] = newest[0]
  const appendedMeanwhile = start !== '$' && compareIds(newestId, start) > 0
  return isFinalEntry(fields) && !appendedMeanwhile ? 'over' : 'more'
}

function isFinalEntry(fields) {
  const { t: type } = fieldsOf(fields)
  return type === 'done' || type === 'error'
}

function fieldsOf(flat) {
  const fields = {}
  for (let i = 0; i < flat.length; i += 2) fields[flat[i]] = flat[i + 1]
  return fields
}

module.exports = { readChatStream, remainderAfter }
