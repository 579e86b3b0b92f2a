'use strict'
// createResumableStreamContext from @fragment/redis-native/stream: resumable-stream's API with the
// chunks in Redis. The same scenarios run against Vercel's `resumable-stream` (on our client, via
// its ioredis adapters) as the reference for the semantics; then what only ours does: resume from
// another client after the producer finished or died.
const path = require('node:path')
const {
  uniqueKey,
  clientPool,
  readWebStream,
  makeChunks,
  sleep,
  waitUntil,
  within,
  deferred,
  ROOT,
  source,
} = require('./support')
const { createResumableStreamContext, StreamFailedError, StreamExistsError } = require(path.join(ROOT, 'lib/stream'))
const { PRODUCER_DIED } = require(path.join(ROOT, 'lib/stream/resumable-context.js'))

jest.setTimeout(30000)

const pool = clientPool()
afterEach(() => pool.closeAll())

const waitFor = (predicate, what, timeoutMs = 10000) => waitUntil(predicate, { timeoutMs, intervalMs: 5, what })

const implementations = {
  ours: (redis, keyPrefix, waitUntil = null) => createResumableStreamContext({ redis, waitUntil, keyPrefix }),
  'resumable-stream': (redis, keyPrefix, waitUntil = null) =>
    require('resumable-stream/ioredis').createResumableStreamContext({
      waitUntil,
      keyPrefix,
      publisher: redis,
      subscriber: pool.track(redis.duplicate()),
    }),
}

describe.each(Object.keys(implementations))('the resumable-stream contract (%s)', (name) => {
  const make = implementations[name]

  test('first resumableStream() produces, later calls and resumes get the whole text, then null once DONE', async () => {
    const ctx = make(pool.redis(), uniqueKey('rc'))
    const id = uniqueKey('reply')
    const texts = makeChunks(30, (i) => (i % 5 === 2 ? `line ${i}\n` : `t${i} `))
    const src = source(texts)

    expect(await ctx.hasExistingStream(id)).toBeNull()
    expect(await ctx.resumeExistingStream(id)).toBeUndefined()

    const produced = await ctx.resumableStream(id, src.make)
    expect(produced).toBeInstanceOf(ReadableStream)
    expect(await ctx.hasExistingStream(id)).toBe(true)
    const first = readWebStream(produced, { timeoutMs: 15000, what: 'the producing stream' })

    await waitFor(() => src.emitted() >= 10, '10 chunks produced')
    const resumed = await within(ctx.resumeExistingStream(id), 5000, 'resumeExistingStream')
    const again = await within(ctx.resumableStream(id, src.make), 5000, 'resumableStream again')
    const skipped = await within(ctx.resumeExistingStream(id, 7), 5000, 'resumeExistingStream with skip')
    expect(src.emitted()).toBeLessThan(texts.length) // they joined mid-way

    const full = texts.join('')
    expect((await first).join('')).toBe(full)
    expect((await readWebStream(resumed, { timeoutMs: 15000 })).join('')).toBe(full)
    expect((await readWebStream(again, { timeoutMs: 15000 })).join('')).toBe(full)
    expect((await readWebStream(skipped, { timeoutMs: 15000 })).join('')).toBe(full.slice(7))
    expect(src.made()).toBe(1)

    await waitFor(async () => (await ctx.hasExistingStream(id)) === 'DONE', 'the stream to be DONE')
    expect(await ctx.resumeExistingStream(id)).toBeNull()
    expect(await ctx.resumableStream(id, src.make)).toBeNull()
    expect(src.made()).toBe(1)
  })

  test('createNewResumableStream() always runs makeStream and hands waitUntil the producer', async () => {
    const promises = []
    const ctx = make(pool.redis(), uniqueKey('rc'), (promise) => promises.push(promise))
    const id = uniqueKey('reply')
    const src = source(['a', 'b', 'c'])
    const stream = await ctx.createNewResumableStream(id, src.make)
    expect(promises).toHaveLength(1)
    expect((await readWebStream(stream)).join('')).toBe('abc')
    await within(promises[0], 10000, 'the waitUntil promise')
    expect(await ctx.hasExistingStream(id)).toBe('DONE')
  })
})

describe('only with the chunks in Redis', () => {
  test('a resume from another client (another process) after the producer finished writing gets every chunk', async () => {
    const keyPrefix = uniqueKey('rc')
    const producer = createResumableStreamContext({ redis: pool.redis(), waitUntil: null, keyPrefix })
    const reader = createResumableStreamContext({ redis: pool.redis(), waitUntil: null, keyPrefix })
    const id = uniqueKey('reply')
    const texts = makeChunks(200, (i) => `w${i} `)
    const release = deferred()
    const src = source(texts, { everyMs: 0, hold: release.promise })

    const produced = await producer.resumableStream(id, src.make)
    // Every chunk produced, the producer not yet closed; the caller never reads (it went away).
    await produced.cancel()
    await waitFor(() => src.emitted() === texts.length, 'all chunks produced')
    const resumed = await reader.resumeExistingStream(id)
    release.resolve()
    expect((await readWebStream(resumed, { timeoutMs: 15000 })).join('')).toBe(texts.join(''))
  })

  test('a second producer for an id whose producer still runs is refused; the reply stays the first one', async () => {
    const keyPrefix = uniqueKey('rc')
    const context = createResumableStreamContext({ redis: pool.redis(), waitUntil: null, keyPrefix })
    const id = uniqueKey('reply')
    const release = deferred()
    const first = source(['A0 ', 'A1 ', 'A2 '], { everyMs: 5, hold: release.promise })
    const second = source(['B0 ', 'B1 '], { everyMs: 5 })
    const firstStream = await context.createNewResumableStream(id, first.make)
    await waitFor(() => first.emitted() === 3, 'the first producer wrote everything')
    await expect(context.createNewResumableStream(id, second.make)).rejects.toThrow(StreamExistsError)
    const resumed = await context.resumeExistingStream(id)
    release.resolve()
    expect((await readWebStream(resumed, { timeoutMs: 15000 })).join('')).toBe('A0 A1 A2 ')
    expect((await readWebStream(firstStream, { timeoutMs: 15000 })).join('')).toBe('A0 A1 A2 ')
  })

  test('the producer died mid-reply: a resumer gets what it wrote, then an error, not a hang', async () => {
    const keyPrefix = uniqueKey('rc')
    const producerClient = pool.redis()
    const leaseMs = 600
    const producer = createResumableStreamContext({ redis: producerClient, waitUntil: null, keyPrefix, leaseMs })
    const reader = createResumableStreamContext({ redis: pool.redis(), waitUntil: null, keyPrefix, leaseMs })
    const id = uniqueKey('reply')
    const texts = makeChunks(5, (i) => `part${i} `)
    const never = deferred()
    const src = source(texts, { everyMs: 5, hold: never.promise })
    const produced = await producer.resumableStream(id, src.make)
    readWebStream(produced, { timeoutMs: 60000 }).catch(() => {})
    await waitFor(() => src.emitted() === texts.length, 'the chunks produced')
    await waitFor(
      async () => (await pool.oracle().xlen(`${keyPrefix}:fr:stream:${id}`)) >= 2,
      'the chunks written to Redis',
    )
    await sleep(200) // the last append lands
    producerClient.disconnect() // the process is gone: no more writes, no lease refresh

    const resumed = await reader.resumeExistingStream(id)
    const received = []
    const readerDone = (async () => {
      const it = resumed.getReader()
      for (;;) {
        const { value, done } = await it.read()
        if (done) return
        received.push(value)
      }
    })()
    const error = await within(
      readerDone.then(
        () => null,
        (e) => e,
      ),
      15000,
      'the resumer to end',
    )
    expect(error).toBeInstanceOf(StreamFailedError)
    expect(error.message).toBe(PRODUCER_DIED)
    expect(received.join('')).toBe(texts.join(''))
    expect(await reader.hasExistingStream(id)).toBe('DONE')
    never.resolve()
  })

  test('makeStream() failing: the caller and every resumer get the error; the stream is DONE', async () => {
    const ctx = createResumableStreamContext({ redis: pool.redis(), waitUntil: null, keyPrefix: uniqueKey('rc') })
    const id = uniqueKey('reply')
    let pulls = 0
    const stream = await ctx.resumableStream(
      id,
      () =>
        new ReadableStream({
          async pull(controller) {
            await sleep(20)
            if (++pulls <= 3) return controller.enqueue(`x${pulls}`)
            controller.error(new Error('model overloaded'))
          },
        }),
    )
    const resumed = await ctx.resumeExistingStream(id)
    await expect(readWebStream(stream)).rejects.toThrow('model overloaded')
    await expect(readWebStream(resumed)).rejects.toThrow(StreamFailedError)
    expect(await ctx.hasExistingStream(id)).toBe('DONE')
  })

  test('bad input is a clear TypeError, with nothing written', async () => {
    const redis = pool.redis()
    const ctx = createResumableStreamContext({ redis, waitUntil: null, keyPrefix: uniqueKey('rc') })
    await expect(ctx.resumableStream('', () => new ReadableStream())).rejects.toThrow(TypeError)
    await expect(ctx.hasExistingStream(42)).rejects.toThrow('streamId must be a non-empty string')
    const id = uniqueKey('reply')
    await (await ctx.resumableStream(id, source(['a']).make)).cancel()
    await expect(ctx.resumeExistingStream(id, -1)).rejects.toThrow('skipCharacters must be a non-negative integer')
    expect(() => createResumableStreamContext({ redis: {}, waitUntil: null })).toThrow(TypeError)
    expect(() => createResumableStreamContext({ redis, waitUntil: null, leaseMs: 0 })).toThrow(RangeError)
  })
})
