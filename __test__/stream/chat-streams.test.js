'use strict'
// ChatStreams against the global dev stack: the producer's writes as Redis sees them, and readers
// from the start, late, resumed, live-only, failed, unknown, aborted, with awkward chunk texts.
const {
  ChatStreams,
  StreamFailedError,
  StreamNotFoundError,
  uniqueKey,
  clientPool,
  collect,
  textOf,
  idsOf,
  expectStrictlyIncreasing,
  makeChunks,
  produce,
  finishedStream: finishedStreamOf,
  notifyChannel,
  numsub,
  waitForNoSubscribers,
  waitForSubscribers,
  whenCalled,
  rejectionOf,
  sleep,
  waitUntil,
  within,
} = require('./support')

const pool = clientPool()
let oracle
let producer // ChatStreams used for writing
let readers // ChatStreams on another client, used for reading
beforeEach(() => {
  oracle = pool.oracle()
  producer = pool.streams()
  // A short poll would hide a missed notification; tests that need prompt wake-ups use a long one.
  readers = pool.streams({ pollMs: 200 })
})
afterEach(() => pool.closeAll())

const streamId = () => uniqueKey('chat')

const finishedStream = (texts) => finishedStreamOf(producer, texts, 'chat')

describe('producer', () => {
  test('create/append/done: entries as Redis holds them, ids returned in order, TTLs', async () => {
    const id = streamId()
    const key = producer.key(id)
    const writer = await producer.create(id)
    expect(await oracle.ttl(key)).toBeGreaterThan(24 * 3600 - 60) // activeTtlSeconds
    const ids = [await writer.append('Hel'), await writer.append('lo')]
    const doneId = await writer.done()
    expectStrictlyIncreasing([...ids, doneId])

    const entries = await oracle.xrange(key, '-', '+')
    expect(entries.map(([entryId, fields]) => [entryId, fields])).toEqual([
      [expect.any(String), ['t', 'start', 'd', '']],
      [ids[0], ['t', 'chunk', 'd', 'Hel']],
      [ids[1], ['t', 'chunk', 'd', 'lo']],
      [doneId, ['t', 'done', 'd', '']],
    ])
    const ttl = await oracle.ttl(key)
    expect(ttl).toBeGreaterThan(3600 - 60) // finishedTtlSeconds
    expect(ttl).toBeLessThanOrEqual(3600)
  })

  test('append() takes strings only', async () => {
    const writer = await producer.create(streamId())
    await expect(writer.append(42)).rejects.toThrow(TypeError)
    await expect(writer.append(undefined)).rejects.toThrow(TypeError)
  })

  test('after done(), append(), done() and fail() reject and write nothing', async () => {
    const { id, writer } = await finishedStream(['a'])
    const key = producer.key(id)
    const before = await oracle.xlen(key)
    await expect(writer.append('late')).rejects.toThrow(/already finished/)
    await expect(writer.done()).rejects.toThrow(/already finished/)
    await expect(writer.fail('late')).rejects.toThrow(/already finished/)
    expect(await oracle.xlen(key)).toBe(before)
  })

  test('an append issued in the same tick as done() (not awaited) rejects and writes nothing after done', async () => {
    const id = streamId()
    const writer = await producer.create(id)
    await writer.append('a')
    const done = writer.done()
    const late = writer.append('late')
    const [doneResult, lateResult] = await Promise.allSettled([done, late])
    expect(doneResult.status).toBe('fulfilled')
    expect(lateResult.status).toBe('rejected')
    const types = (await oracle.xrange(producer.key(id), '-', '+')).map(([, f]) => f[1])
    expect(types).toEqual(['start', 'chunk', 'done'])
  })

  test('pipelined appends (not awaited one by one) land in call order', async () => {
    const id = streamId()
    const writer = await producer.create(id)
    const texts = makeChunks(300)
    const ids = await Promise.all(texts.map((t) => writer.append(t)))
    await writer.done()
    expectStrictlyIncreasing(ids)
    const chunks = await collect(readers.read(id))
    expect(chunks.map((c) => c.text)).toEqual(texts)
    expect(idsOf(chunks)).toEqual(ids)
  })
})

describe('readers', () => {
  test('a reader from the start of a finished stream gets the exact text and the entry ids', async () => {
    const texts = makeChunks(50)
    const { id, ids } = await finishedStream(texts)
    const chunks = await collect(readers.read(id))
    expect(textOf(chunks)).toBe(texts.join(''))
    expect(idsOf(chunks)).toEqual(ids)
    for (const chunk of chunks) expect(Object.keys(chunk).sort()).toEqual(['id', 'text'])
  })

  test('a reader started before the first chunk follows the producer live', async () => {
    const id = streamId()
    const writer = await producer.create(id)
    const texts = makeChunks(40)
    const reading = collect(readers.read(id))
    await waitForSubscribers(oracle, notifyChannel(readers, id))
    const ids = await produce(writer, texts, { delayMs: 5 })
    await writer.done()
    const chunks = await reading
    expect(textOf(chunks)).toBe(texts.join(''))
    expect(idsOf(chunks)).toEqual(ids)
  })

  test('a late joiner (after half the chunks) gets everything from the start, in order, once', async () => {
    const id = streamId()
    const writer = await producer.create(id)
    const texts = makeChunks(200)
    let reading
    const ids = await produce(writer, texts, {
      burst: 10,
      delayMs: 2,
      onProgress: (n) => {
        if (n === 100) reading = collect(readers.read(id))
      },
    })
    await writer.done()
    const chunks = await reading
    expect(idsOf(chunks)).toEqual(ids)
    expect(textOf(chunks)).toBe(texts.join(''))
    expectStrictlyIncreasing(idsOf(chunks))
  })

  test('after: <last id seen> resumes with exactly the rest (finished and live streams)', async () => {
    const texts = makeChunks(30)
    const { id, ids } = await finishedStream(texts)
    const firstPart = []
    for await (const chunk of readers.read(id)) {
      firstPart.push(chunk)
      if (firstPart.length === 12) break
    }
    const rest = await collect(readers.read(id, { after: firstPart.at(-1).id }))
    expect(idsOf(rest)).toEqual(ids.slice(12))
    expect(textOf(firstPart) + textOf(rest)).toBe(texts.join(''))

    // Live: the resumed reader is waiting for chunks that do not exist yet.
    const liveId = streamId()
    const writer = await producer.create(liveId)
    const head = await produce(writer, texts.slice(0, 10))
    const resumed = collect(readers.read(liveId, { after: head[4] }))
    const tail = await produce(writer, texts.slice(10), { delayMs: 3 })
    await writer.done()
    const got = await resumed
    expect(idsOf(got)).toEqual([...head.slice(5), ...tail])
    expect(textOf(got)).toBe(texts.slice(5).join(''))
  })

  test("after: '$' gets only the chunks appended after the reader is positioned", async () => {
    const id = streamId()
    const writer = await producer.create(id)
    const texts = makeChunks(20)
    await produce(writer, texts.slice(0, 10))
    // The reader is positioned once it has looked up the newest id.
    const positioned = whenCalled(readers.redis, 'xrevrange')
    const reading = collect(readers.read(id, { after: '$' }))
    await within(positioned, 5000, "the '$' reader to position itself")
    const newIds = await produce(writer, texts.slice(10))
    await writer.done()
    const chunks = await reading
    expect(idsOf(chunks)).toEqual(newIds)
    expect(textOf(chunks)).toBe(texts.slice(10).join(''))
  })

  test("after: '$' on a finished stream ends at once; on a failed one it throws", async () => {
    const slow = pool.streams({ pollMs: 60000 })
    const { id } = await finishedStream(['a', 'b'])
    expect(await collect(slow.read(id, { after: '$' }), { timeoutMs: 3000 })).toEqual([])

    const failedId = streamId()
    const writer = await producer.create(failedId)
    await writer.append('a')
    await writer.fail('model overloaded')
    const error = await rejectionOf(collect(slow.read(failedId, { after: '$' }), { timeoutMs: 3000 }))
    expect(error).toBeInstanceOf(StreamFailedError)
    expect(error.message).toBe('model overloaded')
  })

  test('after: must be 0, $ or an entry id', async () => {
    const { id } = await finishedStream(['a'])
    await expect(collect(readers.read(id, { after: 'latest' }))).rejects.toThrow(TypeError)
    expect(textOf(await collect(readers.read(id, { after: 0 })))).toBe('a')
    expect(textOf(await collect(readers.read(id, { after: '0-0' })))).toBe('a')
  })

  test('fail(reason): a live reader gets the earlier chunks, then throws StreamFailedError(reason); so does a later reader', async () => {
    const id = streamId()
    const writer = await producer.create(id)
    const seen = []
    const live = collect(readers.read(id), { into: seen })
    await waitForSubscribers(oracle, notifyChannel(readers, id))
    await produce(writer, ['par', 'tial'])
    await writer.fail(new Error('upstream model error: 529'))

    const error = await rejectionOf(live)
    expect(error).toBeInstanceOf(StreamFailedError)
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('StreamFailedError')
    expect(error.message).toBe('upstream model error: 529')
    expect(textOf(seen)).toBe('partial')

    const later = []
    const laterError = await rejectionOf(collect(readers.read(id), { into: later }))
    expect(laterError).toBeInstanceOf(StreamFailedError)
    expect(laterError.message).toBe('upstream model error: 529')
    expect(textOf(later)).toBe('partial')
    await expect(writer.append('more')).rejects.toThrow(/already finished/)
  })

  test('reading an unknown id throws StreamNotFoundError and leaves no subscription', async () => {
    const id = streamId()
    const error = await rejectionOf(collect(readers.read(id)))
    expect(error).toBeInstanceOf(StreamNotFoundError)
    expect(error.name).toBe('StreamNotFoundError')
    expect(error.message).toContain(JSON.stringify(id))
    await waitForNoSubscribers(oracle, notifyChannel(readers, id))
    expect(readers.redis.listenerCount('message')).toBe(0)
    await expect(collect(readers.read(streamId(), { after: '$' }))).rejects.toBeInstanceOf(StreamNotFoundError)
  })

  test('chunks with newlines, CR, unicode, NUL, SSE-looking text, empty and large strings round-trip exactly', async () => {
    const texts = [
      'line one\nline two\n',
      '\r\n',
      '\r',
      '',
      'ünïcödé ✓ 日本語 👩‍👩‍👧 🚀',
      '\u0000nul\u0000',
      '\ttab and  double  spaces ',
      'data: not an event\n\nid: 1-1\n',
      '',
      '"quotes" \\backslash\\ {"json":[1,2]}',
      'x'.repeat(64 * 1024),
    ]
    const { id, ids } = await finishedStream(texts)
    const chunks = await collect(readers.read(id))
    expect(chunks.map((c) => c.text)).toEqual(texts)
    expect(idsOf(chunks)).toEqual(ids)
  })
})

describe('notifications and subscriptions', () => {
  test('abort via signal ends a waiting iterator promptly and unsubscribes', async () => {
    const slow = pool.streams({ pollMs: 60000 }) // only the abort can end the wait
    const id = streamId()
    const writer = await producer.create(id)
    const controller = new AbortController()
    const seen = []
    const reading = collect(slow.read(id, { signal: controller.signal }), { into: seen })
    const channel = notifyChannel(slow, id)
    await waitForSubscribers(oracle, channel)
    await produce(writer, ['one', 'two'])
    await waitUntil(() => seen.length === 2, { timeoutMs: 5000, intervalMs: 10, what: 'the two chunks to arrive' })
    const started = Date.now()
    controller.abort()
    expect(await within(reading, 3000, 'the aborted iterator to end')).toEqual(seen)
    expect(Date.now() - started).toBeLessThan(2000)
    expect(textOf(seen)).toBe('onetwo')
    await waitForNoSubscribers(oracle, channel, 5000)
    expect(slow.redis.listenerCount('message')).toBe(0)
  })

  test('a signal aborted before reading yields nothing and leaves no subscription', async () => {
    const { id } = await finishedStream(['a'])
    const controller = new AbortController()
    controller.abort()
    expect(await collect(readers.read(id, { signal: controller.signal }))).toEqual([])
    await waitForNoSubscribers(oracle, notifyChannel(readers, id))
  })

  test('aborting one of two readers of a stream keeps the other one subscribed and reading', async () => {
    const slow = pool.streams({ pollMs: 60000 })
    const id = streamId()
    const writer = await producer.create(id)
    const channel = notifyChannel(slow, id)
    const controller = new AbortController()
    const aborted = collect(slow.read(id, { signal: controller.signal }))
    const kept = collect(slow.read(id))
    await waitForSubscribers(oracle, channel)
    await writer.append('a')
    await sleep(50)
    controller.abort()
    await within(aborted, 3000, 'the aborted reader to end')
    expect(await numsub(oracle, channel)).toBe(1) // one client, one shared subscription
    await writer.append('b')
    await writer.done()
    expect(textOf(await kept)).toBe('ab')
    await waitForNoSubscribers(oracle, channel)
  })

  test('breaking out of for-await unsubscribes', async () => {
    const { id } = await finishedStream(['a', 'b', 'c'])
    for await (const chunk of readers.read(id)) {
      expect(chunk.text).toBe('a')
      break
    }
    await waitForNoSubscribers(oracle, notifyChannel(readers, id))
    expect(readers.redis.listenerCount('message')).toBe(0)
  })

  test("a second reader started while the first reader's subscribe is still pending is woken by notifications too", async () => {
    const slow = pool.streams({ pollMs: 60000 }) // a missed notification would cost a minute
    const client = slow.redis
    const realSubscribe = client.subscribe
    client.subscribe = async function (...args) {
      await sleep(400) // the server-side SUBSCRIBE happens late
      return realSubscribe.apply(this, args)
    }
    const id = streamId()
    const writer = await producer.create(id)
    const firstRead = whenCalled(client, 'xrange')
    const a = collect(slow.read(id), { timeoutMs: 5000, what: 'reader A' })
    const b = collect(slow.read(id), { timeoutMs: 5000, what: 'reader B' })
    await within(firstRead, 5000, 'a first XRANGE')
    await writer.append('x')
    await writer.done()
    expect(textOf(await a)).toBe('x')
    expect(textOf(await b)).toBe('x')
  })

  test('a subscribe the server never confirms does not stall readers: they poll, get every chunk and end', async () => {
    const streams = pool.streams({ pollMs: 300 })
    streams.redis.subscribe = () => new Promise(() => {}) // a pub/sub stream that never confirms
    const { id, ids } = await finishedStream(['a', 'b'])
    expect(idsOf(await collect(streams.read(id), { timeoutMs: 5000 }))).toEqual(ids)

    const liveId = streamId()
    const writer = await producer.create(liveId)
    const reading = collect(streams.read(liveId), { timeoutMs: 8000 })
    const liveIds = await produce(writer, ['c', 'd', 'e'], { delayMs: 100 })
    await writer.done()
    expect(idsOf(await reading)).toEqual(liveIds)
  })

  test('a failed subscribe leaves nothing behind: the next reader subscribes and is notified', async () => {
    const slow = pool.streams({ pollMs: 60000 })
    const client = slow.redis
    const realSubscribe = client.subscribe
    client.subscribe = () => Promise.reject(new Error('injected: subscribe failed'))
    const id = streamId()
    const writer = await producer.create(id)
    await expect(collect(slow.read(id))).rejects.toThrow('injected: subscribe failed')
    client.subscribe = realSubscribe

    const positioned = whenCalled(client, 'xrange') // its first read follows the confirmed subscription
    const reading = collect(slow.read(id), { timeoutMs: 5000 })
    await within(positioned, 5000, 'the reader to position itself')
    await waitForSubscribers(oracle, notifyChannel(slow, id), 1, 3000)
    await writer.append('after the failure')
    await writer.done()
    expect(textOf(await reading)).toBe('after the failure')
  })

  test('many readers of many streams on one client: every subscription is dropped at the end', async () => {
    const ids = []
    const readings = []
    const writers = []
    for (let s = 0; s < 5; s++) {
      const id = streamId()
      ids.push(id)
      writers.push(await producer.create(id))
      for (let r = 0; r < 3; r++) readings.push(collect(readers.read(id)))
    }
    for (const id of ids) await waitForSubscribers(oracle, notifyChannel(readers, id))
    await Promise.all(writers.map((w, s) => produce(w, [`s${s}a`, `s${s}b`]).then(() => w.done())))
    const results = await Promise.all(readings)
    results.forEach((chunks, i) => expect(textOf(chunks)).toBe(`s${Math.floor(i / 3)}as${Math.floor(i / 3)}b`))
    for (const id of ids) await waitForNoSubscribers(oracle, notifyChannel(readers, id))
    expect(readers.redis.listenerCount('message')).toBe(0)
  })

  test("with the client's keyPrefix, keys are prefixed and readers are still notified", async () => {
    const prefixed = pool.streams({}, { keyPrefix: 'tenant1:' })
    const slow = pool.streams({ pollMs: 60000 }, { keyPrefix: 'tenant1:' })
    const id = streamId()
    const writer = await prefixed.create(id)
    expect(await oracle.exists('tenant1:' + prefixed.key(id))).toBe(1)
    expect(await oracle.exists(prefixed.key(id))).toBe(0)
    const reading = collect(slow.read(id), { timeoutMs: 5000 })
    await waitForSubscribers(oracle, 'tenant1:' + notifyChannel(slow, id))
    await sleep(50)
    await writer.append('prefixed')
    await writer.done()
    expect(textOf(await reading)).toBe('prefixed')
  })

  test('two ChatStreams instances can share one client', async () => {
    const client = pool.redis()
    const one = new ChatStreams(client, { pollMs: 60000 })
    const two = new ChatStreams(client, { pollMs: 60000 })
    const id = streamId()
    const writer = await producer.create(id)
    const channel = notifyChannel(one, id)
    const controller = new AbortController()
    const first = collect(one.read(id, { signal: controller.signal }))
    const second = collect(two.read(id), { timeoutMs: 5000 })
    await waitForSubscribers(oracle, channel)
    await sleep(50)
    controller.abort() // `one` stops listening; `two` still needs the subscription
    await first
    await sleep(100)
    await writer.append('still here')
    await writer.done()
    expect(textOf(await second)).toBe('still here')
  })
})
