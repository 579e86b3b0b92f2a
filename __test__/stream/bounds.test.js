'use strict'
// The edges of a chat stream's life: every reader ends (complete, expired, beyond the end, bad
// resume point, aborted, client closed), a failed append fails the writer instead of leaving a
// gap, a reply is never trimmed, create() refuses an existing id, and bad options are refused.
const { startProxy } = require('../client/support/proxy')
const { runNode } = require('../client/support/common')
const path = require('node:path')
const {
  ROOT,
  ChatStreams,
  StreamFailedError,
  StreamNotFoundError,
  env,
  uniqueKey,
  clientPool,
  collect,
  readWebStream,
  parseSSE,
  textOf,
  makeChunks,
  produce,
  finishedStream: finishedStreamOf,
  notifyChannel,
  numsub,
  waitForNoSubscribers,
  waitForSubscribers,
  rejectionOf,
  sleep,
  waitUntil,
  within,
} = require('./support')
const streamErrors = require(path.join(ROOT, 'lib/stream'))

jest.setTimeout(30000)

const pool = clientPool()
let oracle
let producer
let slow // readers that only a notification, an abort or the stream's end can wake in time
beforeEach(() => {
  oracle = pool.oracle()
  producer = pool.streams()
  slow = pool.streams({ pollMs: 60000 })
})
afterEach(() => pool.closeAll())

const streamId = () => uniqueKey('bounds')
const finishedStream = (texts) => finishedStreamOf(producer, texts, 'bounds')

/** An entry id `ms` milliseconds after `id` (beyond it, but not beyond what Redis accepts). */
const later = (id, ms = 3_600_000) => `${BigInt(id.split('-')[0]) + BigInt(ms)}-0`

describe('every reader ends', () => {
  test('the key expires while a reader follows a live stream (producer died): StreamNotFoundError', async () => {
    const dying = pool.streams({ activeTtlSeconds: 1 })
    const readers = pool.streams({ pollMs: 200 })
    const id = streamId()
    const writer = await dying.create(id)
    await writer.append('last words')
    const seen = []
    const error = await rejectionOf(collect(readers.read(id), { into: seen, timeoutMs: 8000 }))
    expect(error).toBeInstanceOf(StreamNotFoundError)
    expect(textOf(seen)).toBe('last words')
    await waitForNoSubscribers(oracle, notifyChannel(readers, id))
  })

  test('`after` beyond the last entry of a finished stream, or equal to its done entry: the read ends at once', async () => {
    const { id, writer } = await finishedStream(['a', 'b'])
    const [[doneId]] = await oracle.xrevrange(producer.key(id), '+', '-', 'COUNT', 1)
    expect(await collect(slow.read(id, { after: doneId }), { timeoutMs: 5000 })).toEqual([])
    expect(await collect(slow.read(id, { after: later(doneId) }), { timeoutMs: 5000 })).toEqual([])
    const max = '18446744073709551615-18446744073709551615' // nothing can follow it
    expect(await collect(slow.read(id, { after: max }), { timeoutMs: 5000 })).toEqual([])
    const events = parseSSE(await readWebStream(slow.toSSEStream(id, { after: later(doneId) }))).events
    expect(events).toEqual([{ event: 'done', id: undefined, data: '' }])
    expect(writer.finished).toBe(true)

    const failedId = streamId()
    const failing = await producer.create(failedId)
    const [chunkId] = await produce(failing, ['x'])
    await failing.fail('gone wrong')
    const error = await rejectionOf(collect(slow.read(failedId, { after: later(chunkId) }), { timeoutMs: 5000 }))
    expect(error).toBeInstanceOf(StreamFailedError)
    expect(error.message).toBe('gone wrong')
  })

  test('`after` beyond the last entry of a live stream: the reader ends when the producer finishes', async () => {
    const id = streamId()
    const writer = await producer.create(id)
    const [first] = await produce(writer, ['a'])
    const reading = collect(slow.read(id, { after: later(first) }), { timeoutMs: 8000 })
    await waitForSubscribers(oracle, notifyChannel(slow, id))
    await sleep(100)
    await writer.append('b') // before the reader's position: not delivered
    await writer.done()
    expect(await reading).toEqual([])
    await waitForNoSubscribers(oracle, notifyChannel(slow, id))
  })

  test('`after` beyond the last entry, and the producer dies: the reader ends when the key expires', async () => {
    const dying = pool.streams({ activeTtlSeconds: 1 })
    const readers = pool.streams({ pollMs: 200 })
    const id = streamId()
    const writer = await dying.create(id)
    const [first] = await produce(writer, ['a'])
    const error = await rejectionOf(collect(readers.read(id, { after: later(first) }), { timeoutMs: 8000 }))
    expect(error).toBeInstanceOf(StreamNotFoundError)
  })
})

test('the REST endpoint stops answering while a reader waits: the reader ends with the timeout, not never', async () => {
  const proxy = await startProxy(env().url)
  try {
    const readers = pool.streams({ pollMs: 200 }, { url: proxy.url, commandTimeout: 1000 })
    const id = streamId()
    const writer = await producer.create(id)
    await writer.append('a')
    const seen = []
    const reading = collect(readers.read(id), { into: seen, timeoutMs: 15000 })
    await waitUntil(() => seen.length === 1, { timeoutMs: 5000, what: 'the first chunk' })
    proxy.mode = 'stall' // every request from now on is read and never answered
    const error = await rejectionOf(reading)
    // The read was sent when the deadline passed: the transport says it "may have been applied".
    expect(error.code).toBe('ETIMEDOUT_MAYBE_APPLIED')
    await writer.done()
  } finally {
    await proxy.close()
  }
})

describe('a failed append fails the writer', () => {
  let proxy
  afterEach(async () => {
    await proxy?.close()
    proxy = undefined
  })

  /** A writer whose client goes through a proxy; `lose()` makes the next request vanish. */
  async function writerThroughProxy(id) {
    proxy = await startProxy(env().url)
    const streams = pool.streams({}, { url: proxy.url })
    const writer = await streams.create(id)
    return { writer, lose: () => proxy.plan('reset') }
  }

  test('later appends and done() reject, readers get the chunks before it and then StreamFailedError', async () => {
    const id = streamId()
    const { writer, lose } = await writerThroughProxy(id)
    await writer.append('a')
    lose() // sent, never answered: the append's outcome is unknown
    const lost = await rejectionOf(writer.append('b'))
    expect(lost.code).toBe('ECONNRESET')
    const afterwards = await rejectionOf(writer.append('c'))
    expect(afterwards).toBeInstanceOf(streamErrors.StreamWriteError)
    expect(afterwards.cause).toBe(lost)
    const done = await rejectionOf(writer.done())
    expect(done).toBeInstanceOf(streamErrors.StreamWriteError)

    const seen = []
    const error = await rejectionOf(collect(slow.read(id), { into: seen, timeoutMs: 5000 }))
    expect(error).toBeInstanceOf(StreamFailedError)
    expect(error.message).toMatch(/append failed/)
    // 'b' may have landed (its reply was lost); 'c' never did, and the reply is marked failed.
    expect(['a', 'ab']).toContain(textOf(seen))
    const entries = await oracle.xrange(producer.key(id), '-', '+')
    const types = entries.map(([, f]) => f[1])
    expect(types.at(-1)).toBe('error')
    expect(types.filter((t) => t === 'error')).toHaveLength(1)
    // fail() on the failed writer (a producer's catch-all) has nothing to add: it resolves that entry.
    expect(await writer.fail(new Error('model error'))).toBe(entries.at(-1)[0])
    expect(await oracle.xlen(producer.key(id))).toBe(entries.length)
  })

  test("un-awaited appends (the README's loop) with one failing: no unhandled rejection, done() rejects", async () => {
    proxy = await startProxy(env().url)
    proxy.plan('pass', 'pass', 'reset') // create, append('a'), then the three un-awaited appends (one request)
    const id = streamId()
    const result = await runNode(
      `const { ChatStreams } = require(${JSON.stringify(path.join(ROOT, 'lib/stream'))});
process.on('unhandledRejection', (e) => { console.error('unhandled', e && e.message); process.exitCode = 3; });
const client = new Redis({ url: process.env.T_URL, token: process.env.T_TOKEN });
const streams = new ChatStreams(client);
(async () => {
  const writer = await streams.create(process.env.T_ID);
  await writer.append('a');
  for (const token of ['b', 'c', 'd']) writer.append(token);
  await new Promise((resolve) => setTimeout(resolve, 300));
  try { await writer.done(); console.log('done resolved') } catch (e) { console.log('done rejected', e.name) }
  await new Promise((resolve) => setTimeout(resolve, 100));
  await client.quit();
})();`,
      { env: { T_URL: proxy.url, T_TOKEN: env().token, T_ID: id }, timeoutMs: 15000 },
    )
    expect({ code: result.code, stderr: result.stderr, timedOut: result.timedOut }).toEqual({
      code: 0,
      stderr: '',
      timedOut: false,
    })
    expect(result.stdout).toBe('done rejected StreamWriteError\n')
  })
})

test('a reply is never trimmed: an append beyond maxLen fails the reply, readers are told', async () => {
  const capped = pool.streams({ maxLen: 150 })
  const id = streamId()
  const writer = await capped.create(id)
  const texts = makeChunks(300)
  const settled = await Promise.allSettled(texts.map((t) => writer.append(t)))
  const accepted = settled.filter((s) => s.status === 'fulfilled').length
  expect(accepted).toBeGreaterThan(0)
  expect(settled.slice(accepted).every((s) => s.status === 'rejected')).toBe(true)
  await expect(writer.done()).rejects.toBeInstanceOf(streamErrors.StreamWriteError)
  const entries = await oracle.xrange(capped.key(id), '-', '+')
  expect(entries[0][1]).toEqual(['t', 'start', 'd', ''])
  const seen = []
  const error = await rejectionOf(collect(slow.read(id), { into: seen }))
  expect(error).toBeInstanceOf(StreamFailedError)
  expect(textOf(seen)).toBe(texts.slice(0, accepted).join(''))
})

describe('resume points', () => {
  const outOfRange = ['99999999999999999999999-0', '1-18446744073709551616', '18446744073709551616']

  test('resumePoint() accepts only ids Redis accepts; anything else reads from the start', () => {
    const request = (value) => new Request('https://app.example/chat', { headers: { 'Last-Event-ID': value } })
    for (const bad of outOfRange) expect(ChatStreams.resumePoint(request(bad))).toBe('0')
    expect(ChatStreams.resumePoint(request('18446744073709551615-18446744073709551615'))).toBe(
      '18446744073709551615-18446744073709551615',
    )
    expect(ChatStreams.resumePoint(request('7'))).toBe('7-0')
    expect(ChatStreams.resumePoint(request('007-01'))).toBe('7-1')
  })

  test('read() with an out-of-range `after` rejects with InvalidResumePointError; SSE ends with a final `event: error`', async () => {
    const { id } = await finishedStream(['a'])
    for (const bad of outOfRange) {
      const error = await rejectionOf(collect(slow.read(id, { after: bad }), { timeoutMs: 5000 }))
      expect(error).toBeInstanceOf(streamErrors.InvalidResumePointError)
      expect(error).toBeInstanceOf(TypeError)
      expect(error.message).toContain(bad)
      const events = parseSSE(await readWebStream(slow.toSSEStream(id, { after: bad }), { timeoutMs: 5000 })).events
      expect(events).toEqual([{ event: 'error', id: undefined, data: expect.stringContaining(bad) }])
    }
    await waitForNoSubscribers(oracle, notifyChannel(slow, id))
  })
})

test('create() on an existing id rejects with StreamExistsError and leaves the stream as it was', async () => {
  const { id } = await finishedStream(['old'])
  const before = await oracle.xrange(producer.key(id), '-', '+')
  const error = await rejectionOf(producer.create(id))
  expect(error).toBeInstanceOf(streamErrors.StreamExistsError)
  expect(error.message).toContain(JSON.stringify(id))
  expect(await oracle.xrange(producer.key(id), '-', '+')).toEqual(before)

  const liveId = streamId()
  const live = await producer.create(liveId)
  await live.append('one')
  await expect(producer.create(liveId)).rejects.toBeInstanceOf(streamErrors.StreamExistsError)
  await live.append('two')
  await live.done()
  expect(textOf(await collect(slow.read(liveId)))).toBe('onetwo')
})

describe('abort and cancellation', () => {
  test('aborting a reader parked at a yield drops its subscription and delivers nothing more', async () => {
    const { id } = await finishedStream(['a', 'b', 'c'])
    const controller = new AbortController()
    const iterator = slow.read(id, { signal: controller.signal })
    expect((await iterator.next()).value.text).toBe('a') // parked at the yield of 'a'
    const channel = notifyChannel(slow, id)
    expect(await numsub(oracle, channel)).toBe(1)
    controller.abort()
    await waitForNoSubscribers(oracle, channel)
    expect(slow.redis.listenerCount('message')).toBe(0)
    expect(await iterator.next()).toEqual({ value: undefined, done: true })
  })

  test('toReadableStream() carries bytes: new Response(stream) works, and cancelling its body unsubscribes', async () => {
    const texts = ['Hello', ', wörld 🚀', '\r\n', 'end']
    const { id } = await finishedStream(texts)
    expect(await new Response(slow.toReadableStream(id)).text()).toBe(texts.join(''))

    const liveId = streamId()
    const writer = await producer.create(liveId)
    await writer.append('first')
    const response = new Response(slow.toReadableStream(liveId))
    const reader = response.body.getReader()
    const { value } = await within(reader.read(), 5000, 'the first bytes')
    expect(value).toBeInstanceOf(Uint8Array)
    expect(new TextDecoder().decode(value)).toBe('first')
    await waitForSubscribers(oracle, notifyChannel(slow, liveId))
    await within(reader.cancel(), 3000, 'cancel()')
    await waitForNoSubscribers(oracle, notifyChannel(slow, liveId))
  })
})

test.each(['quit', 'disconnect'])(
  '%s() wakes a live reader at once: it rejects with ECLOSED and drops its subscription',
  async (close) => {
    const id = streamId()
    const writer = await producer.create(id)
    await writer.append('a')
    const client = slow.redis
    const seen = []
    const reading = collect(slow.read(id), { into: seen, timeoutMs: 20000 })
    await waitForSubscribers(oracle, notifyChannel(slow, id))
    await waitUntil(() => seen.length === 1, { timeoutMs: 5000, what: 'the first chunk' })
    const started = Date.now()
    await client[close]()
    const error = await rejectionOf(reading)
    expect(error.code).toBe('ECLOSED')
    expect(Date.now() - started).toBeLessThan(5000)
    await waitForNoSubscribers(oracle, notifyChannel(slow, id))
  },
)

describe('options', () => {
  test.each([
    ['pollMs', 0],
    ['pollMs', -1],
    ['pollMs', 1.5],
    ['pollMs', 2 ** 31],
    ['pollMs', '100'],
    ['activeTtlSeconds', 0],
    ['activeTtlSeconds', -5],
    ['activeTtlSeconds', 0.5],
    ['finishedTtlSeconds', 0],
    ['finishedTtlSeconds', NaN],
    ['maxLen', 0],
    ['maxLen', Infinity],
    ['prefix', 5],
  ])('%s: %p is refused with a clear error', (name, value) => {
    const client = pool.redis()
    expect(() => new ChatStreams(client, { [name]: value })).toThrow(new RegExp(`ChatStreams: ${name} must be`))
  })

  test('unknown options and a missing client are refused; valid ones are kept', () => {
    const client = pool.redis()
    expect(() => new ChatStreams(client, { pollMS: 100 })).toThrow(/unknown option "pollMS"/)
    expect(() => new ChatStreams()).toThrow(TypeError)
    const streams = new ChatStreams(client, { pollMs: 1, activeTtlSeconds: 1, finishedTtlSeconds: 1, maxLen: 1 })
    expect([streams.pollMs, streams.activeTtlSeconds, streams.finishedTtlSeconds, streams.maxLen]).toEqual([1, 1, 1, 1])
  })
})

test('a reply whose head was trimmed (by anything but this module) is not served as whole from the start', async () => {
  const id = streamId()
  const key = producer.key(id)
  // What an older writer's `XADD MAXLEN ~` (or an XTRIM) leaves: the tail of a reply.
  await oracle.xadd(key, '*', 't', 'chunk', 'd', 'tail')
  await oracle.xadd(key, '*', 't', 'done', 'd', '')
  const seen = []
  const error = await rejectionOf(collect(slow.read(id), { into: seen, timeoutMs: 5000 }))
  expect(error).toBeInstanceOf(StreamFailedError)
  expect(error.message).toMatch(/trimmed/)
  expect(seen).toEqual([])
  const events = parseSSE(await readWebStream(slow.toSSEStream(id))).events
  expect(events).toEqual([{ event: 'error', id: undefined, data: expect.stringMatching(/trimmed/) }])
})

describe('bad arguments', () => {
  test('a stream id must be a non-empty string: nothing is written under "undefined"', async () => {
    await expect(producer.create(undefined)).rejects.toThrow(TypeError)
    await expect(producer.create({ id: 1 })).rejects.toThrow(TypeError)
    expect(() => producer.writer('')).toThrow(TypeError)
    await expect(collect(slow.read(42))).rejects.toThrow(TypeError)
    expect(await oracle.exists(producer.key('undefined'), producer.key('[object Object]'))).toBe(0)
  })

  test("fail(reason) with a non-Error object stores its JSON, never '[object Object]'", async () => {
    const id = streamId()
    const writer = await producer.create(id)
    await writer.fail({ code: 529, retryable: true })
    const error = await rejectionOf(collect(slow.read(id)))
    expect(error.message).toBe('{"code":529,"retryable":true}')
  })

  test('a `signal` that is not an AbortSignal is refused, not ignored', async () => {
    const { id } = await finishedStream(['a'])
    await expect(collect(slow.read(id, { signal: { aborted: false } }))).rejects.toThrow(/AbortSignal/)
  })
})
