'use strict'
// Generic key commands through the official SDK: del, exists, expire, ttl, type, scan.
const { uniqueKey } = require('../support')
const { sdk } = require('./support')

const redis = sdk()

describe('SDK keys', () => {
  test('del / exists', async () => {
    const [a, b, c] = [uniqueKey('k-a'), uniqueKey('k-b'), uniqueKey('k-c')]
    await redis.mset({ [a]: 1, [b]: 2 })
    expect(await redis.exists(a, b, c)).toBe(2)
    expect(await redis.del(a, c)).toBe(1)
    expect(await redis.exists(a, b)).toBe(1)
  })

  test('expire / ttl (-1 without expiry, -2 when missing)', async () => {
    const k = uniqueKey('k-ttl')
    await redis.set(k, 'v')
    expect(await redis.ttl(k)).toBe(-1)
    expect(await redis.expire(k, 100)).toBe(1)
    const ttl = await redis.ttl(k)
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(100)
    expect(await redis.ttl(uniqueKey('k-none'))).toBe(-2)
    expect(await redis.expire(uniqueKey('k-none'), 10)).toBe(0)
  })

  test('type', async () => {
    const k = uniqueKey('k-type')
    await Promise.all([
      redis.set(`${k}:s`, 'v'),
      redis.hset(`${k}:h`, { f: 1 }),
      redis.rpush(`${k}:l`, 'x'),
      redis.sadd(`${k}:set`, 'x'),
      redis.zadd(`${k}:z`, { score: 1, member: 'x' }),
      redis.xadd(`${k}:x`, '*', { f: 1 }),
    ])
    const types = await Promise.all(['s', 'h', 'l', 'set', 'z', 'x', 'none'].map((s) => redis.type(`${k}:${s}`)))
    expect(types).toEqual(['string', 'hash', 'list', 'set', 'zset', 'stream', 'none'])
  })

  test('scan with match visits exactly the matching keys', async () => {
    const prefix = uniqueKey('k-scan')
    const keys = Array.from({ length: 25 }, (_, i) => `${prefix}:${i}`)
    await redis.mset(Object.fromEntries(keys.map((key) => [key, 'v'])))
    await redis.set(`${prefix}-not-matching`, 'v')
    const found = new Set()
    let cursor = '0'
    for (let round = 0; round < 10000; round += 1) {
      const [next, batch] = await redis.scan(cursor, { match: `${prefix}:*`, count: 100 })
      batch.forEach((key) => found.add(key))
      cursor = String(next)
      if (cursor === '0') break
    }
    expect(cursor).toBe('0')
    expect([...found].sort()).toEqual([...keys].sort())
  })
})
