'use strict'
// Plumbing shared by the chat-stream suites (not a suite itself):
//   ROOT, Redis, IORedis, ChatStreams, StreamFailedError, StreamNotFoundError, StreamWriteError
//   clientPool()          clients (ours and direct ioredis) closed after each test / at the end
//   collect()             drains an async iterator of chunks, with a deadline
//   readWebStream()       drains a Web ReadableStream, with a deadline
//   parseSSE()            a small Server-Sent Events parser (spec rules that matter here)
//   textOf(), idsOf(), expectStrictlyIncreasing(), compareIds()
//   makeChunks()          deterministic chunk texts
//   produce()             appends chunks in order, optionally reporting progress
//   finishedStream()      a new stream with the given chunks, done
//   numsub(), waitForNoSubscribers()   the server's view of a notify channel (PUBSUB NUMSUB)
//   deferred(), sleep(), waitUntil(), within(), source() (a text source for resumable streams)
const path = require('node:path')
const IORedis = require('ioredis')
const { env, uniqueKey, sleep } = require('../support')
const { ROOT, Redis, rejectionOf, waitUntil, within } = require('../client/support/common')
const { ChatStreams, ChatStreamWriter, StreamFailedError, StreamNotFoundError, StreamWriteError } = require(
  path.join(ROOT, 'lib/stream'),
)

function deferred() {
  let resolve
  let reject
  const promise = new Promise((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

/**
 * Clients of one suite. `redis()` builds one of ours (default: the global dev stack), `oracle()`
 * an ioredis client straight to redis-server. `closeAll()` disconnects everything made so far.
 */
function clientPool(defaults = () => ({ url: env().url, token: env().token, redisUrl: env().redisUrl })) {
  const made = []
  return {
    redis(options = {}) {
      const { url, token } = defaults()
      const client = new Redis({ url, token, ...options })
      made.push(client)
      return client
    },
    streams(options = {}, clientOptions = {}) {
      return new ChatStreams(this.redis(clientOptions), options)
    },
    /** Adopts a client made elsewhere (e.g. by duplicate()). */
    track(client) {
      made.push(client)
      return client
    },
    oracle() {
      const client = new IORedis(defaults().redisUrl, { maxRetriesPerRequest: 1 })
      made.push(client)
      return client
    },
    closeAll() {
      for (const client of made.splice(0)) client.disconnect()
    },
  }
}

/**
 * Drains an async iterator (or iterable) into an array. Rejects once `timeoutMs` have passed, or as
 * the iterator does; `onChunk(chunk, index)` sees every chunk as it arrives.
 */
function collect(iterable, { timeoutMs = 10000, what = 'reading the stream', onChunk, into = [] } = {}) {
  const run = (async () => {
    for await (const chunk of iterable) {
      into.push(chunk)
      if (onChunk) await onChunk(chunk, into.length - 1)
    }
    return into
  })()
  run.catch(() => {}) // once within() has given up, a late rejection must not crash the run
  return within(run, timeoutMs, what)
}

/** Every value of a Web ReadableStream, in order; the reader is released either way. */
async function readWebStream(stream, { timeoutMs = 10000, what = 'reading the web stream' } = {}) {
  const reader = stream.getReader()
  const values = []
  const run = (async () => {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) return values
      values.push(value)
    }
  })()
  run.catch(() => {}) // as in collect()
  return within(run, timeoutMs, what)
}

/**
 * Parses an SSE byte stream (Uint8Array chunks or a string) the way EventSource does: lines end in
 * CRLF, LF or CR; `field: value` (one leading space dropped); `data` lines joined with LF; a blank
 * line dispatches; comments (`:`) ignored. Returns `{ events: [{event, id, data}], rest }` where
 * `rest` is any unterminated tail (a complete stream leaves '').
 */
function parseSSE(input) {
  const text = typeof input === 'string' ? input : decodeAll(input)
  const events = []
  let current = { event: undefined, id: undefined, data: [] }
  const lines = text.split(/\r\n|\r|\n/)
  const rest = lines.pop()
  for (const line of lines) {
    if (line === '') {
      if (current.data.length > 0) {
        events.push({ event: current.event ?? 'message', id: current.id, data: current.data.join('\n') })
      }
      current = { event: undefined, id: undefined, data: [] }
      continue
    }
    if (line.startsWith(':')) continue
    const colon = line.indexOf(':')
    const field = colon === -1 ? line : line.slice(0, colon)
    let value = colon === -1 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'data') current.data.push(value)
    else if (field === 'event') current.event = value
    else if (field === 'id') current.id = value
    else throw new Error(`unexpected SSE field ${JSON.stringify(field)} in line ${JSON.stringify(line)}`)
  }
  return { events, rest }
}

function decodeAll(chunks) {
  const decoder = new TextDecoder('utf-8', { fatal: true })
  const list = Array.isArray(chunks) ? chunks : [chunks]
  let out = ''
  for (const chunk of list) {
    if (!(chunk instanceof Uint8Array))
      throw new TypeError(`SSE chunk is not a Uint8Array: ${Object.prototype.toString.call(chunk)}`)
    out += decoder.decode(chunk, { stream: true })
  }
  return out + decoder.decode()
}

const textOf = (chunks) => chunks.map((c) => c.text).join('')
const idsOf = (chunks) => chunks.map((c) => c.id)

function parseId(id) {
  const match = /^(\d+)-(\d+)$/.exec(id)
  if (!match) throw new Error(`not a stream entry id: ${JSON.stringify(id)}`)
  return [BigInt(match[1]), BigInt(match[2])]
}

/** <0, 0, >0 like a comparator, for stream entry ids. */
function compareIds(a, b) {
  const [am, as] = parseId(a)
  const [bm, bs] = parseId(b)
  if (am !== bm) return am < bm ? -1 : 1
  if (as !== bs) return as < bs ? -1 : 1
  return 0
}

/** Fails with the first offending pair, not a boolean. */
function expectStrictlyIncreasing(ids) {
  for (let i = 1; i < ids.length; i++) {
    if (compareIds(ids[i - 1], ids[i]) >= 0) {
      throw new Error(`entry ids not strictly increasing at ${i}: ${ids[i - 1]} then ${ids[i]}`)
    }
  }
}

/** `n` distinct chunk texts; every one ends with its index, so a gap or duplicate shows in the text. */
function makeChunks(n, make = (i) => `tok${i};`) {
  return Array.from({ length: n }, (_, i) => make(i))
}

/**
 * Appends `texts` in order. `burst` appends leave together (pipelined, awaited as a group);
 * `delayMs` pauses between bursts; `onProgress(appendedCount)` runs after each burst and may be
 * async (the producer waits for it). Resolves the entry ids.
 */
async function produce(writer, texts, { burst = 1, delayMs = 0, onProgress } = {}) {
  const ids = []
  for (let i = 0; i < texts.length; i += burst) {
    ids.push(...(await Promise.all(texts.slice(i, i + burst).map((t) => writer.append(t)))))
    if (onProgress) await onProgress(ids.length)
    if (delayMs) await sleep(delayMs)
  }
  return ids
}

/** A new stream (id from uniqueKey(`prefix`)) with `texts` appended and done; resolves { id, ids, writer }. */
async function finishedStream(streams, texts, prefix = 'chat') {
  const id = uniqueKey(prefix)
  const writer = await streams.create(id)
  const ids = await produce(writer, texts)
  await writer.done()
  return { id, ids, writer }
}

const notifyChannel = (streams, id) => streams.key(id) + ':notify'

async function numsub(oracle, channel) {
  const [, count] = await oracle.pubsub('NUMSUB', channel)
  return Number(count)
}

function waitForNoSubscribers(oracle, channel, timeoutMs = 5000) {
  return waitUntil(async () => (await numsub(oracle, channel)) === 0, {
    timeoutMs,
    what: `PUBSUB NUMSUB ${channel} = 0`,
  })
}

function waitForSubscribers(oracle, channel, count = 1, timeoutMs = 5000) {
  return waitUntil(async () => (await numsub(oracle, channel)) >= count, {
    timeoutMs,
    what: `PUBSUB NUMSUB ${channel} >= ${count}`,
  })
}

/**
 * Resolves when `object[method]` is next called (after the real call was made); the method keeps
 * working. Used to know that a reader reached a given step, without sleeping.
 */
function whenCalled(object, method, predicate = () => true) {
  const seen = deferred()
  const original = object[method]
  object[method] = function (...args) {
    const result = original.apply(this, args)
    if (predicate(...args)) {
      object[method] = original
      Promise.resolve(result).then(
        () => seen.resolve(args),
        () => seen.resolve(args),
      )
    }
    return result
  }
  return seen.promise
}

/**
 * A source stream (for resumable streams' `makeStream`) that emits `texts` one every `everyMs`, then
 * closes (or waits for `hold` first); `emitted()` says how many so far, `made()` how often it was made.
 */
function source(texts, { everyMs = 20, hold } = {}) {
  let index = 0
  let made = 0
  return {
    emitted: () => index,
    made: () => made,
    make: () => {
      made++
      return new ReadableStream({
        async pull(controller) {
          await sleep(everyMs)
          if (index < texts.length) return controller.enqueue(texts[index++])
          if (hold) await hold
          controller.close()
        },
      })
    },
  }
}

module.exports = {
  source,
  ROOT,
  Redis,
  IORedis,
  ChatStreams,
  ChatStreamWriter,
  StreamFailedError,
  StreamNotFoundError,
  StreamWriteError,
  env,
  uniqueKey,
  clientPool,
  collect,
  readWebStream,
  parseSSE,
  textOf,
  idsOf,
  compareIds,
  expectStrictlyIncreasing,
  makeChunks,
  produce,
  finishedStream,
  notifyChannel,
  numsub,
  waitForNoSubscribers,
  waitForSubscribers,
  whenCalled,
  rejectionOf,
  deferred,
  sleep,
  waitUntil,
  within,
}
