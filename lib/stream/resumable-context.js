'use strict'
// `resumable-stream`'s context API (createResumableStreamContext → resumableStream,
// createNewResumableStream, resumeExistingStream, hasExistingStream), backed by ChatStreams: a
// route written for `resumable-stream` changes only its import.
//
// The difference is where the reply lives. `resumable-stream` keeps the chunks in the producer's
// memory and a resumer must reach that producer over pub/sub within 1 s; here every chunk is in a
// Redis stream, so a resume works from any process, while the producer runs, after it finished
// (until the context reports the stream done) and after it died (the chunks written so far, then
// an error instead of a hang).
//
// Keys, under `<keyPrefix>:fr:` (not resumable-stream's `:rs:` names, so that during a migration
// neither library misreads the other's state):
//   state:<id>     '1' while a producer runs, 'DONE' once it finished; EX stateTtlSeconds
//   producer:<id>  the producer's lease, refreshed while it runs; gone when it died
//   stream:<id>    the ChatStreams stream holding the chunks
const { ChatStreams, StreamFailedError, StreamNotFoundError, StreamExistsError } = require('./chat-streams.js')

const DONE = 'DONE'
const ACTIVE = '1'
const DEFAULTS = {
  keyPrefix: 'resumable-stream',
  stateTtlSeconds: 24 * 3600, // as resumable-stream's sentinel
  finishedTtlSeconds: 24 * 3600, // a finished reply stays readable as long as its state says DONE
  leaseMs: 15_000,
  // How long a resumer waits for a stream whose state is set but whose first entry is not yet
  // written (the producer claimed the id a moment ago).
  startWaitMs: 3000,
}
const PRODUCER_DIED = 'the producer of this stream stopped before it finished'

/**
 * @param {{ redis?: import('../redis.js').Redis, publisher?: object, subscriber?: object,
 *           waitUntil: ((promise: Promise<unknown>) => void) | null, keyPrefix?: string,
 *           leaseMs?: number, stateTtlSeconds?: number, finishedTtlSeconds?: number }} options
 *   `redis` runs commands and pub/sub (one client does both). `publisher` is accepted in its place,
 *   as resumable-stream's routes pass it; without either, a client is made from the environment.
 */
function createResumableStreamContext(options = {}) {
  const settings = { ...DEFAULTS }
  for (const name of ['keyPrefix', 'stateTtlSeconds', 'finishedTtlSeconds', 'leaseMs']) {
    if (options[name] !== undefined) settings[name] = options[name]
  }
  for (const name of ['stateTtlSeconds', 'finishedTtlSeconds', 'leaseMs']) {
    if (!Number.isInteger(settings[name]) || settings[name] <= 0)
      throw new RangeError(`createResumableStreamContext: ${name} must be a positive integer`)
  }
  const redis = options.redis ?? options.publisher ?? defaultClient()
  if (typeof redis?.eval !== 'function' || typeof redis?.subscribe !== 'function') {
    throw new TypeError('createResumableStreamContext: `redis` must be a client of @fragment/redis-native')
  }
  const waitUntil = options.waitUntil || ((promise) => promise.catch(() => {}))
  const prefix = `${settings.keyPrefix}:fr:`
  const streams = new ChatStreams(redis, {
    prefix: `${prefix}stream:`,
    activeTtlSeconds: settings.stateTtlSeconds,
    finishedTtlSeconds: settings.finishedTtlSeconds,
  })
  const stateKey = (id) => `${prefix}state:${id}`
  const leaseKey = (id) => `${prefix}producer:${id}`

  async function hasExistingStream(streamId) {
    const state = await redis.get(stateKey(checkId(streamId)))
    if (state === null) return null
    return state === DONE ? DONE : true
  }

  /** Runs `makeStream()`, writing every chunk to Redis; the caller has claimed `streamId`. */
  async function produce(streamId, makeStream) {
    // Registered before the first await, while the caller's request is surely still in scope.
    let resolveDone
    waitUntil(new Promise((resolve) => (resolveDone = resolve)))
    try {
      return await startProducing(streamId, makeStream, resolveDone)
    } catch (error) {
      resolveDone()
      throw error
    }
  }

  async function startProducing(streamId, makeStream, resolveDone) {
    // One producer per id at a time: the lease is claimed first, so a second producer for an id
    // whose producer still runs is refused instead of writing into its stream (and marking it DONE
    // under the first). A lease that lapsed (the producer died) or was released (it finished) is free.
    const claimed = await redis.set(leaseKey(streamId), ACTIVE, 'PX', settings.leaseMs, 'NX')
    if (claimed !== 'OK') throw new StreamExistsError(streamId)
    let writer
    try {
      await redis.del(streams.key(streamId)) // a stream id used again starts afresh
      writer = await streams.create(streamId)
    } catch (error) {
      await redis.del(leaseKey(streamId)).catch(() => {})
      throw error
    }
    const refresh = setInterval(
      () => redis.set(leaseKey(streamId), ACTIVE, 'PX', settings.leaseMs, 'XX').catch(() => {}),
      Math.max(1, Math.floor(settings.leaseMs / 3)),
    )
    refresh.unref?.()

    let source
    try {
      source = makeStream().getReader()
    } catch (error) {
      clearInterval(refresh)
      await finish(streamId, () => writer.fail(error))
      throw error
    }

    // Chunks go to this caller as they come; to Redis, one append at a time, and whatever arrived
    // while an append was in flight goes in the next one (in order, joined): a slow round trip
    // delays resumers, never this caller.
    let pending = ''
    let writing = null
    let writeError = null
    const flush = () => {
      if (writing || pending === '' || writeError) return writing
      const text = pending
      pending = ''
      writing = writer.append(text).then(
        () => {
          writing = null
          return flush()
        },
        (error) => {
          writing = null
          writeError = error
        },
      )
      return writing
    }

    let cancelled = false
    return new ReadableStream({
      start(controller) {
        const pump = async () => {
          let failure = null
          try {
            for (;;) {
              const { done, value } = await source.read()
              if (done) break
              if (typeof value !== 'string') throw new TypeError('makeStream() must produce strings')
              if (!cancelled) {
                try {
                  controller.enqueue(value)
                } catch {
                  cancelled = true // the caller went away; the reply still completes for resumers
                }
              }
              pending += value
              flush()
            }
          } catch (error) {
            failure = error
          }
          while (writing) await writing
          clearInterval(refresh)
          try {
            if (writeError) {
              await finish(streamId, () => writer.fail(writeError)).catch(() => {})
            } else if (failure) {
              await finish(streamId, () => writer.fail(failure))
            } else {
              await finish(streamId, () => writer.done())
            }
          } catch (error) {
            failure ??= error
          }
          if (!cancelled) {
            try {
              if (failure) controller.error(failure)
              else controller.close()
            } catch {}
          }
        }
        pump().finally(() => resolveDone())
      },
      cancel() {
        cancelled = true
      },
    })
  }

  async function finish(streamId, write) {
    await write()
    await Promise.all([
      redis.set(stateKey(streamId), DONE, 'EX', settings.stateTtlSeconds),
      redis.del(leaseKey(streamId)),
    ])
  }

  async function createNewResumableStream(streamId, makeStream) {
    checkId(streamId)
    await redis.set(stateKey(streamId), ACTIVE, 'EX', settings.stateTtlSeconds)
    return produce(streamId, makeStream)
  }

  async function resumableStream(streamId, makeStream, skipCharacters) {
    checkId(streamId)
    // SET NX makes exactly one caller the producer, as resumable-stream's INCR does.
    const claimed = await redis.set(stateKey(streamId), ACTIVE, 'EX', settings.stateTtlSeconds, 'NX')
    if (claimed === 'OK') return produce(streamId, makeStream)
    return resumeExistingStream(streamId, skipCharacters)
  }

  async function resumeExistingStream(streamId, skipCharacters = 0) {
    const state = await hasExistingStream(streamId)
    if (state === null) return undefined
    if (state === DONE) return null
    return follow(streamId, checkSkip(skipCharacters))
  }

  /** The stream's text from the start, less `skip` characters, live until it finishes. */
  function follow(streamId, skip) {
    const abort = new AbortController()
    let iterator = null
    let watchdog = null
    let startedAt = Date.now()
    const open = () => {
      iterator = streams.read(streamId, { signal: abort.signal })[Symbol.asyncIterator]()
    }
    const stopWatchdog = () => {
      clearInterval(watchdog)
      watchdog = null
    }
    return new ReadableStream({
      start() {
        open()
        // A producer that died leaves its stream unfinished: once its lease is gone, the stream is
        // failed on its behalf (one resumer does it), and every reader ends with that error.
        watchdog = setInterval(
          () => checkProducer(streamId).catch(() => {}),
          Math.max(1, Math.floor(settings.leaseMs / 3)),
        )
        watchdog.unref?.()
      },
      async pull(controller) {
        for (;;) {
          let next
          try {
            next = await iterator.next()
          } catch (error) {
            if (error instanceof StreamNotFoundError && Date.now() - startedAt < DEFAULTS.startWaitMs) {
              // Claimed but not created yet: the producer is between SET NX and its first write.
              await new Promise((resolve) => setTimeout(resolve, 50))
              open()
              continue
            }
            stopWatchdog()
            if (abort.signal.aborted) return controller.close()
            return controller.error(error)
          }
          if (next.done) {
            stopWatchdog()
            return controller.close()
          }
          startedAt = -Infinity // found: a later StreamNotFoundError means it expired
          let text = next.value.text
          if (skip > 0) {
            const skipped = Math.min(skip, text.length)
            skip -= skipped
            text = text.slice(skipped)
          }
          if (text.length > 0) return controller.enqueue(text)
        }
      },
      async cancel() {
        stopWatchdog()
        abort.abort()
        await iterator?.return?.()
      },
    })
  }

  async function checkProducer(streamId) {
    if ((await redis.exists(leaseKey(streamId))) === 1) return
    if ((await redis.get(stateKey(streamId))) !== ACTIVE) return
    // Gone and never finished. SET NX on the lease elects the one reader that writes the failure.
    const elected = await redis.set(leaseKey(streamId), 'failing', 'PX', settings.leaseMs, 'NX')
    if (elected !== 'OK') return
    await finish(streamId, () => streams.writer(streamId).fail(PRODUCER_DIED))
  }

  return { resumableStream, createNewResumableStream, resumeExistingStream, hasExistingStream }
}

function checkId(streamId) {
  if (typeof streamId !== 'string' || streamId === '') throw new TypeError('streamId must be a non-empty string')
  return streamId
}

function checkSkip(skip) {
  if (skip === undefined || skip === null) return 0
  if (!Number.isInteger(skip) || skip < 0) throw new TypeError('skipCharacters must be a non-negative integer')
  return skip
}

function defaultClient() {
  const { Redis } = require('../redis.js')
  return new Redis()
}

module.exports = { createResumableStreamContext, StreamFailedError, PRODUCER_DIED }
