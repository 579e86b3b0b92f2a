'use strict'
// Hashes, lists, sets and sorted sets through the official SDK.
const { uniqueKey } = require('../support')
const { sdk } = require('./support')

const redis = sdk()

describe('SDK hashes', () => {
  test('hset object / hget / hgetall / hincrby / hexists / hdel', async () => {
    const k = uniqueKey('h')
    expect(await redis.hset(k, { name: 'Zoë, "Z"', count: 2, meta: { a: 1 } })).toBe(3)
    expect(await redis.hget(k, 'name')).toBe('Zoë, "Z"')
    expect(await redis.hgetall(k)).toEqual({ name: 'Zoë, "Z"', count: 2, meta: { a: 1 } })
    expect(await redis.hincrby(k, 'count', 5)).toBe(7)
    expect(await redis.hexists(k, 'name')).toBe(1)
    expect(await redis.hdel(k, 'name', 'missing')).toBe(1)
    expect(await redis.hexists(k, 'name')).toBe(0)
    expect(await redis.hget(k, 'name')).toBeNull()
    expect(await redis.hgetall(k)).toEqual({ count: 7, meta: { a: 1 } })
  })

  test('hgetall of a missing key is null', async () => {
    expect(await redis.hgetall(uniqueKey('h-missing'))).toBeNull()
  })
})

describe('SDK lists', () => {
  test('rpush / lpush / lrange / lindex / llen / lrem / lpop', async () => {
    const k = uniqueKey('l')
    expect(await redis.rpush(k, 'a', 'b', 'c', 'b')).toBe(4)
    expect(await redis.lpush(k, 'z')).toBe(5)
    expect(await redis.lrange(k, 0, -1)).toEqual(['z', 'a', 'b', 'c', 'b'])
    expect(await redis.lindex(k, 1)).toBe('a')
    expect(await redis.llen(k)).toBe(5)
    expect(await redis.lrem(k, 0, 'b')).toBe(2)
    expect(await redis.lpop(k)).toBe('z')
    expect(await redis.lrange(k, 0, -1)).toEqual(['a', 'c'])
    expect(await redis.lpop(uniqueKey('l-missing'))).toBeNull()
  })
})

describe('SDK sets', () => {
  test('sadd / smembers / sismember / srem / scard / sinter', async () => {
    const [a, b] = [uniqueKey('set-a'), uniqueKey('set-b')]
    expect(await redis.sadd(a, 'x', 'y', 'z', 'x')).toBe(3)
    expect(await redis.sadd(b, 'y', 'z', 'w')).toBe(3)
    expect((await redis.smembers(a)).sort()).toEqual(['x', 'y', 'z'])
    expect(await redis.sismember(a, 'x')).toBe(1)
    expect(await redis.sismember(a, 'w')).toBe(0)
    expect((await redis.sinter(a, b)).sort()).toEqual(['y', 'z'])
    expect(await redis.srem(a, 'x', 'nope')).toBe(1)
    expect(await redis.scard(a)).toBe(2)
  })
})

describe('SDK sorted sets', () => {
  test('zadd / zrange withScores / zincrby / zscore / zrank / zrem / zcard', async () => {
    const k = uniqueKey('z')
    expect(await redis.zadd(k, { score: 1, member: 'a' }, { score: 2.5, member: 'b' }, { score: 3, member: 'c' })).toBe(
      3,
    )
    expect(await redis.zrange(k, 0, -1)).toEqual(['a', 'b', 'c'])
    expect(await redis.zrange(k, 0, -1, { withScores: true })).toEqual(['a', 1, 'b', 2.5, 'c', 3])
    expect(await redis.zincrby(k, 5, 'a')).toBe(6)
    expect(await redis.zscore(k, 'a')).toBe(6)
    expect(await redis.zrank(k, 'b')).toBe(0)
    expect(await redis.zrank(k, 'a')).toBe(2)
    expect(await redis.zrem(k, 'b', 'nope')).toBe(1)
    expect(await redis.zcard(k)).toBe(2)
    expect(await redis.zrange(k, 0, -1, { withScores: true })).toEqual(['c', 3, 'a', 6])
    expect(await redis.zscore(k, 'b')).toBeNull()
  })
})
