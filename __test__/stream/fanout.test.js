'use strict'
// One producer, twenty consumers, ten thousand chunks: consumers join before the first chunk, at
// many points mid-stream and after the end, spread over several clients (so several SSE
// subscriptions and several readers per subscription); each must get every chunk exactly once, in
// order.
const {
  uniqueKey,
  clientPool,
  collect,
  textOf,
  idsOf,
  expectStrictlyIncreasing,
  makeChunks,
  produce,
  notifyChannel,
  waitForSubscribers,
} = require('./support')

jest.setTimeout(120000)

const CHUNKS = 10000
const CONSUMERS = 20
const CLIENTS = 4
const BURST = 1 // one awaited append per chunk, like a token loop: the most notifications per chunk
const READ_TIMEOUT_MS = 90000

const pool = clientPool()
afterAll(() => pool.closeAll())

test(`1 producer → ${CONSUMERS} consumers × ${CHUNKS} chunks: every consumer gets every chunk once, in order`, async () => {
  const oracle = pool.oracle()
  const producer = pool.streams()
  const readerSets = Array.from({ length: CLIENTS }, () => pool.streams({ pollMs: 500 }))
  const id = uniqueKey('fanout')
  const texts = makeChunks(CHUNKS, (i) => (i % 97 === 0 ? `\n${i}:ü;` : `${i};`))

  // Consumer c joins when `startAt[c]` chunks exist: 4 before the first, 14 spread mid-stream,
  // 2 after done (startAt = Infinity).
  const startAt = [
    0,
    0,
    0,
    0,
    ...Array.from({ length: CONSUMERS - 6 }, (_, i) => Math.round(((i + 1) * CHUNKS) / (CONSUMERS - 5))),
    Infinity,
    Infinity,
  ]
  expect(startAt).toHaveLength(CONSUMERS)
  const readings = new Array(CONSUMERS)
  const joinedWith = new Array(CONSUMERS)
  const start = (c, appended) => {
    joinedWith[c] = appended
    readings[c] = collect(readerSets[c % CLIENTS].read(id), { timeoutMs: READ_TIMEOUT_MS, what: `consumer ${c}` })
  }

  const writer = await producer.create(id)
  startAt.forEach((at, c) => at === 0 && start(c, 0))
  // Consumers 0-3 are on the four clients: one SSE subscription each, confirmed by the server.
  await waitForSubscribers(oracle, notifyChannel(producer, id), CLIENTS)
  const ids = await produce(writer, texts, {
    burst: BURST,
    onProgress: (appended) => {
      startAt.forEach((at, c) => {
        if (readings[c] === undefined && appended >= at) start(c, appended)
      })
    },
  })
  await writer.done()
  startAt.forEach((at, c) => readings[c] === undefined && start(c, CHUNKS))

  // Mid-stream consumers really joined mid-stream (the schedule did what it says).
  const mid = joinedWith.filter((n) => n > 0 && n < CHUNKS)
  expect(mid.length).toBe(CONSUMERS - 6)

  expectStrictlyIncreasing(ids)
  const expectedText = texts.join('')
  const results = await Promise.all(readings)
  results.forEach((chunks, c) => {
    const got = idsOf(chunks)
    expect({ consumer: c, count: got.length }).toEqual({ consumer: c, count: CHUNKS })
    expectStrictlyIncreasing(got)
    expect(got).toEqual(ids)
    expect(textOf(chunks)).toBe(expectedText)
  })
})
