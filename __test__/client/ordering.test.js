'use strict'
// Ordering under auto-pipelining: every command issued in a tick resolves with its own reply, in
// issue order, however the burst is cut into requests (1000 commands / 1 MB per request).
const Redis = require('../..')
const { env, uniqueKey } = require('../support')

const clients = []

function client(options = {}) {
  const { url, token } = env()
  const redis = new Redis({ ...options, url, token })
  clients.push(redis)
  return redis
}

afterAll(() => Promise.all(clients.map((redis) => redis.quit())))

/** Counts the native submissions (one per batch handed over) while `run()` goes. */
async function submissionsDuring(redis, run) {
  await redis.ping() // the native client exists after the first command
  const native = redis._dispatcher.native
  const original = native.submitCommands
  const counts = []
  native.submitCommands = function (json, count, readOnly) {
    counts.push(count)
    return original.call(this, json, count, readOnly)
  }
  try {
    return { result: await run(), counts }
  } finally {
    native.submitCommands = original
  }
}

/** The four-command round whose replies show any reordering: ['OK', '1', 2, '2']. */
const round = (r, key) => [r.set(key, 1), r.get(key), r.incr(key), r.get(key)]

describe('ordering', () => {
  const redis = client()

  test('10,000 concurrent SET / GET / INCR commands all resolve with their own values', async () => {
    const base = uniqueKey('order-mixed')
    const promises = []
    for (let i = 0; i < 2500; i++) {
      const key = `${base}:${i}`
      promises.push(redis.set(key, i), redis.get(key), redis.incr(key), redis.get(key))
    }
    expect(promises).toHaveLength(10000)
    const replies = await Promise.all(promises)
    const expected = []
    for (let i = 0; i < 2500; i++) expected.push('OK', String(i), i + 1, String(i + 1))
    expect(replies).toEqual(expected)
  })

  test('Promise.all([set, get, incr, get]) gives ["OK", "1", 2, "2"], round after round', async () => {
    const key = uniqueKey('order-round')
    for (let i = 0; i < 200; i++) {
      expect(await Promise.all(round(redis, key))).toEqual(['OK', '1', 2, '2'])
    }
  })

  test('the same rounds, 1,500 of them in one tick on one key, across request boundaries', async () => {
    const key = uniqueKey('order-round-burst')
    const { result, counts } = await submissionsDuring(redis, () =>
      Promise.all(Array.from({ length: 1500 }, () => Promise.all(round(redis, key)))),
    )
    for (const replies of result) expect(replies).toEqual(['OK', '1', 2, '2'])
    expect(counts).toEqual([1000, 1000, 1000, 1000, 1000, 1000])
  })

  test('5,000 INCRs on one key issued in one tick resolve to exactly 1..5000 in order', async () => {
    const key = uniqueKey('order-incr')
    const { result, counts } = await submissionsDuring(redis, () =>
      Promise.all(Array.from({ length: 5000 }, () => redis.incr(key))),
    )
    expect(result).toEqual(Array.from({ length: 5000 }, (_, i) => i + 1))
    expect(counts).toEqual([1000, 1000, 1000, 1000, 1000])
    expect(await redis.get(key)).toBe('5000')
  })

  test('a small command cap cuts a burst into many requests without reordering', async () => {
    const small = client({ maxBatchCommands: 7 })
    const key = uniqueKey('order-small-cap')
    const { result, counts } = await submissionsDuring(small, () =>
      Promise.all(Array.from({ length: 1000 }, () => small.incr(key))),
    )
    expect(result).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1))
    expect(Math.max(...counts)).toBeLessThanOrEqual(7)
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1000)
  })

  test('a one-tick burst larger than the byte cap is split, not sent as one oversized request', async () => {
    // Unsplit, a burst past the server's body limit fails whole (HTTP 413); a small cap shows the cut.
    const capped = client({ maxBatchBytes: 100 * 1024 })
    const base = uniqueKey('order-bytes')
    const value = 'v'.repeat(20 * 1024)
    const { result, counts } = await submissionsDuring(capped, () =>
      Promise.all(Array.from({ length: 40 }, (_, i) => capped.set(`${base}:${i}`, value))),
    )
    expect(result).toEqual(Array(40).fill('OK'))
    expect(Math.max(...counts)).toBe(4) // 4 × ~20 KB fit in 100 KB, 5 do not
    expect(counts.reduce((a, b) => a + b, 0)).toBe(40)
    expect(await capped.strlen(`${base}:39`)).toBe(value.length)
    await capped.del(Array.from({ length: 40 }, (_, i) => `${base}:${i}`))
  })

  test('a failing command in a burst takes only its own slot', async () => {
    const key = uniqueKey('order-errors')
    const outcomes = await Promise.allSettled(
      Array.from({ length: 3000 }, (_, i) => (i % 100 === 50 ? redis.lpush(key, 'x') : redis.incr(key))),
    )
    let counter = 0
    outcomes.forEach((outcome, i) => {
      if (i % 100 === 50) {
        expect(outcome.status).toBe('rejected')
        expect(outcome.reason.message).toMatch(/^WRONGTYPE/)
      } else {
        expect(outcome).toEqual({ status: 'fulfilled', value: ++counter })
      }
    })
  })

  test('order holds across plain, pipeline, multi and binary (raw) requests in one tick', async () => {
    const key = uniqueKey('order-kinds')
    const binary = Buffer.from([0xff, 0x01])
    const replies = await Promise.all([
      redis.set(key, 1),
      redis.pipeline().incr(key).incr(key).exec(),
      redis.multi().incr(key).get(key).exec(),
      redis.incr(key),
      redis.set(`${key}:bin`, binary),
      redis.incr(key),
      redis.getBuffer(`${key}:bin`),
      redis.get(key),
    ])
    expect(replies).toEqual([
      'OK',
      [
        [null, 2],
        [null, 3],
      ],
      [
        [null, 4],
        [null, '4'],
      ],
      5,
      'OK',
      6,
      binary,
      '6',
    ])
  })

  test('enableAutoPipelining: false still resolves in order, one command per request', async () => {
    const single = client({ enableAutoPipelining: false })
    const key = uniqueKey('order-no-autopipeline')
    const { result, counts } = await submissionsDuring(single, () =>
      Promise.all(Array.from({ length: 200 }, () => single.incr(key))),
    )
    expect(result).toEqual(Array.from({ length: 200 }, (_, i) => i + 1))
    expect(counts.every((count) => count === 1)).toBe(true)
  })
})
