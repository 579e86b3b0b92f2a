'use strict'
// Vercel's `resumable-stream` (what fragmentV2's chat routes use) driven by OUR client: it sees an
// ioredis instance (it has defineCommand) and wraps it in its ioredis adapters — subscribe(channel)
// + 'message' events, publish, set(k, v, 'EX', n), get, incr, and the INCR error text
// "ERR value is not an integer or out of range" to detect a finished stream.
//
// What the library promises (node_modules/resumable-stream/dist/runtime.js):
//   resumableStream(id, make)  first caller (INCR → 1) runs make() and gets its stream; later
//                              callers get a resumed stream; null once the stream is DONE.
//   resumeExistingStream(id, skip?)  undefined for no stream, null for a finished one, else a stream
//                              that replays everything produced so far (as one message, minus
//                              `skip` characters) and then follows live.
//   hasExistingStream(id)      null | true | 'DONE'.
const {
  uniqueKey,
  clientPool,
  readWebStream,
  makeChunks,
  numsub,
  waitUntil,
  sleep,
  within,
  source,
} = require('./support')

jest.setTimeout(30000)

const pool = clientPool()
let oracle
beforeEach(() => {
  oracle = pool.oracle()
})
afterEach(() => pool.closeAll())

const waitFor = (predicate, what, timeoutMs = 10000) => waitUntil(predicate, { timeoutMs, intervalMs: 5, what })

async function expectNoChannelsLeft(keyPrefix) {
  await waitUntil(async () => (await oracle.pubsub('CHANNELS', `${keyPrefix}:rs:*`)).length === 0, {
    timeoutMs: 5000,
    what: `no ${keyPrefix}:rs:* channel left`,
  })
}

// The producer's clean-up (SET DONE, UNSUBSCRIBE, PUBLISH done) runs after its stream closed, in
// a promise chain the library never catches: the clients may be closed only once it is over.
async function producerFinished(ctx, id, keyPrefix) {
  await waitFor(async () => (await ctx.hasExistingStream(id)) === 'DONE', 'the sentinel to become DONE')
  await expectNoChannelsLeft(keyPrefix)
}

describe.each(['resumable-stream/generic', 'resumable-stream/ioredis'])(
  '%s with @fragment/redis-native clients',
  (entry) => {
    const { createResumableStreamContext } = require(entry)

    /** A context on our clients; `shared` passes one client as both publisher and subscriber. */
    function context({ shared = false } = {}) {
      const publisher = pool.redis()
      const subscriber = shared ? publisher : pool.track(publisher.duplicate())
      const keyPrefix = uniqueKey('rs')
      const ctx = createResumableStreamContext({ waitUntil: null, publisher, subscriber, keyPrefix })
      return { ctx, publisher, subscriber, keyPrefix }
    }

    test.each([
      ['separate publisher and subscriber (publisher.duplicate())', false],
      ['one client as both (REST keeps commands working while subscribed)', true],
    ])(
      'a consumer that resumes mid-way gets the full text; after the end the stream is DONE (%s)',
      async (_, shared) => {
        const { ctx, publisher, subscriber, keyPrefix } = context({ shared })
        const id = uniqueKey('rs-stream')
        const texts = makeChunks(40, (i) => (i % 7 === 3 ? `line ${i}\n` : `t${i} `))
        const full = texts.join('')
        const src = source(texts, { everyMs: 25 })

        const produced = await ctx.resumableStream(id, src.make)
        expect(produced).toBeInstanceOf(ReadableStream)
        expect(await ctx.hasExistingStream(id)).toBe(true)
        const first = readWebStream(produced, { timeoutMs: 15000, what: 'the producing stream' })

        await waitFor(() => src.emitted() >= 15, '15 chunks produced')
        const joinedAt = src.emitted()
        const resumed = await within(ctx.resumeExistingStream(id), 5000, 'resumeExistingStream')
        expect(resumed).toBeInstanceOf(ReadableStream)
        const second = readWebStream(resumed, { timeoutMs: 15000, what: 'the resumed stream' })
        // resumableStream() again is a consumer too: make() is not run a second time.
        const again = await within(ctx.resumableStream(id, src.make), 5000, 'resumableStream (second call)')
        const third = readWebStream(again, { timeoutMs: 15000, what: 'the second resumableStream' })
        expect(joinedAt).toBeLessThan(texts.length) // they really joined mid-way

        expect((await first).join('')).toBe(full)
        const secondValues = await second
        expect(secondValues.join('')).toBe(full)
        // The replay of what was produced before the join comes as one message, then chunk by chunk.
        expect(secondValues[0].length).toBeGreaterThanOrEqual(texts.slice(0, joinedAt).join('').length)
        expect((await third).join('')).toBe(full)
        expect(src.made()).toBe(1)

        // Done: the sentinel says DONE (with the library's 24 h expiry), resuming gives null.
        await producerFinished(ctx, id, keyPrefix)
        expect(await ctx.resumeExistingStream(id)).toBeNull()
        expect(await ctx.resumableStream(id, src.make)).toBeNull()
        expect(src.made()).toBe(1)
        const ttl = await oracle.ttl(`${keyPrefix}:rs:sentinel:${id}`)
        expect(ttl).toBeGreaterThan(24 * 3600 - 60)
        expect(ttl).toBeLessThanOrEqual(24 * 3600)

        await expectNoChannelsLeft(keyPrefix)
        for (const client of new Set([publisher, subscriber])) expect(client.listenerCount('message')).toBe(0)
      },
    )

    test('resuming before the first chunk (an empty replay message) still gets the full text', async () => {
      const { ctx, keyPrefix } = context()
      const id = uniqueKey('rs-early')
      const texts = makeChunks(10)
      let release
      const gate = new Promise((resolve) => (release = resolve))
      const produced = await ctx.resumableStream(id, () => {
        let index = 0
        return new ReadableStream({
          async pull(controller) {
            await gate
            await sleep(10)
            if (index < texts.length) controller.enqueue(texts[index++])
            else controller.close()
          },
        })
      })
      const first = readWebStream(produced, { timeoutMs: 10000 })
      const resumed = await within(ctx.resumeExistingStream(id), 5000, 'resumeExistingStream')
      const second = readWebStream(resumed, { timeoutMs: 10000 })
      release()
      expect((await first).join('')).toBe(texts.join(''))
      expect((await second).join('')).toBe(texts.join(''))
      await producerFinished(ctx, id, keyPrefix)
    })

    test('skipCharacters: the replay leaves out the characters the client already has', async () => {
      const { ctx, keyPrefix } = context()
      const id = uniqueKey('rs-skip')
      const texts = makeChunks(30)
      const full = texts.join('')
      const src = source(texts, { everyMs: 15 })
      const first = readWebStream(await ctx.resumableStream(id, src.make), { timeoutMs: 10000 })
      await waitFor(() => src.emitted() >= 10, '10 chunks produced')
      const have = texts.slice(0, 5).join('').length
      const resumed = await within(ctx.resumeExistingStream(id, have), 5000, 'resumeExistingStream')
      expect((await readWebStream(resumed, { timeoutMs: 10000 })).join('')).toBe(full.slice(have))
      expect((await first).join('')).toBe(full)
      await producerFinished(ctx, id, keyPrefix)
    })

    test('unknown streams: hasExistingStream → null, resumeExistingStream → undefined', async () => {
      const { ctx } = context()
      const id = uniqueKey('rs-none')
      expect(await ctx.hasExistingStream(id)).toBeNull()
      expect(await ctx.resumeExistingStream(id)).toBeUndefined()
    })

    test('a consumer that cancels mid-way unsubscribes; the producer and other consumers go on', async () => {
      const { ctx, keyPrefix } = context()
      const id = uniqueKey('rs-cancel')
      const texts = makeChunks(30)
      const src = source(texts, { everyMs: 15 })
      const first = readWebStream(await ctx.resumableStream(id, src.make), { timeoutMs: 10000 })
      await waitFor(() => src.emitted() >= 5, '5 chunks produced')
      const resumed = await within(ctx.resumeExistingStream(id), 5000, 'resumeExistingStream')
      const reader = resumed.getReader()
      await within(reader.read(), 5000, 'the replay')
      await reader.cancel()
      await waitUntil(async () => (await oracle.pubsub('CHANNELS', `${keyPrefix}:rs:chunk:*`)).length === 0, {
        timeoutMs: 5000,
        what: 'the cancelled consumer to unsubscribe',
      })
      expect((await first).join('')).toBe(texts.join(''))
      await producerFinished(ctx, id, keyPrefix)
      expect(await numsub(oracle, `${keyPrefix}:rs:request:${id}`)).toBe(0)
    })
  },
)

// KNOWN BUG (kept failing on purpose, see the report): the gateway refuses to put a pub/sub payload
// containing '\r' on its SSE stream (crates/protocol/src/sse.rs encode_data → FrameError::
// CarriageReturn; crates/gateway/src/handlers/subscribe.rs sends `event: error` instead), and our
// client turns that into an 'error' event (ESTREAM) that nobody listens to here. resumable-stream
// moves the reply text itself over pub/sub, so any chunk with a CR — text with CRLF line endings —
// silently never reaches a resumed consumer, and the replay message (everything so far, joined)
// is lost as soon as one earlier chunk had a CR. ChatStreams is not affected: its pub/sub payloads
// are entry ids; the text travels through XRANGE.
describe('resumable-stream/generic: text with CRLF line endings', () => {
  const { createResumableStreamContext } = require('resumable-stream/generic')

  test('a consumer that resumes mid-way gets the full text when chunks contain \\r\\n', async () => {
    const publisher = pool.redis()
    const subscriber = pool.track(publisher.duplicate())
    const streamErrors = []
    subscriber.on('error', (error) => streamErrors.push(`${error.code}: ${error.message}`))
    const keyPrefix = uniqueKey('rs-crlf')
    const ctx = createResumableStreamContext({ waitUntil: null, publisher, subscriber, keyPrefix })
    const id = uniqueKey('rs-crlf-stream')
    const texts = makeChunks(12, (i) => `line ${i}\r\n`)
    const src = source(texts, { everyMs: 20 })
    const first = readWebStream(await ctx.resumableStream(id, src.make), { timeoutMs: 10000 })
    await waitFor(() => src.emitted() >= 4, '4 chunks produced')
    let resumedText
    try {
      const resumed = await within(ctx.resumeExistingStream(id), 5000, 'resumeExistingStream')
      resumedText = (await readWebStream(resumed, { timeoutMs: 10000 })).join('')
    } catch (error) {
      resumedText = `<${error.message}>`
    }
    expect((await first).join('')).toBe(texts.join(''))
    await producerFinished(ctx, id, keyPrefix)
    expect({ resumedText, streamErrors }).toEqual({ resumedText: texts.join(''), streamErrors: [] })
  })
})
