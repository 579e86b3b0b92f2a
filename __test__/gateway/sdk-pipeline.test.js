'use strict'
// redis.pipeline(), redis.multi() and auto-pipelining through the official SDK.
const { uniqueKey } = require('../support')
const { sdk } = require('./support')

const redis = sdk()

describe('SDK pipeline', () => {
  test('exec returns every result in order, deserialized per command', async () => {
    const k = uniqueKey('p')
    const p = redis.pipeline()
    p.set(k, 'v').incr(`${k}:n`).get(k).hset(`${k}:h`, { a: 1 }).hgetall(`${k}:h`).get(`${k}:missing`)
    expect(await p.exec()).toEqual(['OK', 1, 'v', 1, { a: 1 }, null])
  })

  test('exec({ keepErrors: true }) keeps going past a failing command', async () => {
    const k = uniqueKey('p-err')
    const p = redis.pipeline()
    p.set(k, 'text').incr(k).append(k, '!').get(k)
    const res = await p.exec({ keepErrors: true })
    expect(res).toEqual([
      { result: 'OK', error: undefined },
      { result: undefined, error: expect.stringMatching(/^ERR value is not an integer/) },
      { result: 5, error: undefined },
      { result: 'text!', error: undefined },
    ])
  })

  test('exec() without keepErrors throws naming the failed command', async () => {
    const k = uniqueKey('p-throw')
    const p = redis.pipeline()
    p.set(k, 'text').incr(k).get(k)
    await expect(p.exec()).rejects.toThrow(/^Command 2 \[ incr \] failed: ERR value is not an integer/)
  })
})

describe('SDK multi', () => {
  test('runs atomically and returns the results', async () => {
    const k = uniqueKey('m')
    const tx = redis.multi()
    tx.set(k, '10').incrby(k, 5).get(k).del(k).exists(k)
    expect(await tx.exec()).toEqual(['OK', 15, 15, 1, 0])
  })

  test('concurrent transactions on one key never interleave', async () => {
    const k = uniqueKey('m-conc')
    const runs = await Promise.all(
      Array.from({ length: 20 }, () => {
        const tx = redis.multi()
        tx.incr(k).incr(k)
        return tx.exec()
      }),
    )
    for (const [first, second] of runs) expect(second).toBe(first + 1)
    expect(await redis.get(k)).toBe(40)
  })

  test('a queue-time error aborts the whole transaction with EXECABORT', async () => {
    const k = uniqueKey('m-abort')
    const tx = redis.multi()
    tx.set(k, 'v').hset(`${k}:h`, {}) // HSET with no field/value: wrong arity, rejected while queuing
    await expect(tx.exec()).rejects.toThrow(/EXECABORT/)
    expect(await redis.exists(k)).toBe(0)
  })
})

describe('SDK auto-pipelining', () => {
  test('Promise.all of many commands: right results, far fewer HTTP requests', async () => {
    const k = uniqueKey('ap')
    const n = 40
    const before = redis.pipelineCounter
    const writes = await Promise.all(Array.from({ length: n }, (_, i) => redis.incrby(`${k}:${i}`, i + 1)))
    expect(writes).toEqual(Array.from({ length: n }, (_, i) => i + 1))
    const reads = await Promise.all(Array.from({ length: n }, (_, i) => redis.get(`${k}:${i}`)))
    expect(reads).toEqual(Array.from({ length: n }, (_, i) => i + 1))
    const requests = redis.pipelineCounter - before
    expect(requests).toBeGreaterThan(0)
    expect(requests).toBeLessThanOrEqual(4)
  })

  test('one failing command in a batch rejects only its own promise', async () => {
    const k = uniqueKey('ap-err')
    await redis.set(k, 'text')
    const [ok, bad, ok2] = await Promise.allSettled([redis.set(`${k}:a`, 1), redis.incr(k), redis.set(`${k}:b`, 2)])
    expect(ok).toEqual({ status: 'fulfilled', value: 'OK' })
    expect(ok2).toEqual({ status: 'fulfilled', value: 'OK' })
    expect(bad.status).toBe('rejected')
    expect(bad.reason.message).toMatch(/ERR value is not an integer/)
  })
})
