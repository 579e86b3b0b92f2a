'use strict'
// Sorted-set commands: ioredis and our client give the same replies for the same calls
// (WITHSCORES replies are flat [member, score, …] lists with scores as strings, as in ioredis v5).
const { both, rejection, scanAll, collect } = require('./differential')

/** A sorted set with scores 1..5: a=1 b=2 c=3 d=4 e=5. */
const seed = (r, key) => r.zadd(key, 1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e')

describe('differential: sorted sets', () => {
  both('zadd plain and with NX / XX / GT / LT / CH', async (r, key) => [
    await r.zadd(key, 1, 'a', 2, 'b'),
    await r.zadd(key, 'NX', 10, 'a', 3, 'c'),
    await r.zadd(key, 'XX', 20, 'b', 4, 'd'),
    await r.zadd(key, 'GT', 'CH', 0, 'a', 30, 'b'),
    await r.zadd(key, 'LT', 'CH', 0, 'a', 40, 'b'),
    await r.zadd(key, 'XX', 'CH', 5, 'a', 5, 'c'),
    await r.zrange(key, 0, -1, 'WITHSCORES'),
  ])

  both('zadd INCR returns the new score or null', async (r, key) => [
    await r.zadd(key, 'INCR', 1.5, 'm'),
    await r.zadd(key, 'INCR', 2, 'm'),
    await r.zadd(key, 'NX', 'INCR', 5, 'm'),
    await r.zadd(key, 'XX', 'INCR', -0.5, 'm'),
    await r.zscore(key, 'm'),
  ])

  both('zadd with infinite and fractional scores', async (r, key) => [
    await r.zadd(key, '-inf', 'low', '+inf', 'high', 0.1, 'tenth', 1e-7, 'tiny'),
    await r.zrange(key, 0, -1, 'WITHSCORES'),
    await rejection(r.zadd(key, 'nan', 'x')),
  ])

  both('zrange by index, WITHSCORES, REV', async (r, key) => [
    await seed(r, key),
    await r.zrange(key, 0, -1),
    await r.zrange(key, 1, 2, 'WITHSCORES'),
    await r.zrange(key, 0, 1, 'REV'),
    await r.zrange(key, 0, 1, 'REV', 'WITHSCORES'),
    await r.zrange(`${key}:missing`, 0, -1),
  ])

  both('zrange BYSCORE / BYLEX with LIMIT', async (r, key) => [
    await seed(r, key),
    await r.zrange(key, 2, 4, 'BYSCORE'),
    await r.zrange(key, '(2', '+inf', 'BYSCORE', 'LIMIT', 1, 2, 'WITHSCORES'),
    await r.zrange(key, '+inf', '-inf', 'BYSCORE', 'REV', 'LIMIT', 0, 2),
    await r.zrange(key, '[b', '(d', 'BYLEX'),
  ])

  both('zrevrange', async (r, key) => [
    await seed(r, key),
    await r.zrevrange(key, 0, -1),
    await r.zrevrange(key, 0, 1, 'WITHSCORES'),
  ])

  both('zrangebyscore / zrevrangebyscore with limits and infinities', async (r, key) => [
    await seed(r, key),
    await r.zrangebyscore(key, '-inf', '+inf'),
    await r.zrangebyscore(key, '(1', 3, 'WITHSCORES'),
    await r.zrangebyscore(key, '-inf', '+inf', 'LIMIT', 1, 2),
    await r.zrangebyscore(key, 2, 5, 'WITHSCORES', 'LIMIT', 0, 1),
    await r.zrevrangebyscore(key, '+inf', '-inf', 'LIMIT', 0, 3),
    await r.zrevrangebyscore(key, 4, '(2', 'WITHSCORES'),
    await r.zrangebyscore(key, 10, 20),
  ])

  both('zscore / zmscore', async (r, key) => [
    await r.zadd(key, 1.5, 'a', 2, 'b'),
    await r.zscore(key, 'a'),
    await r.zscore(key, 'b'),
    await r.zscore(key, 'missing'),
    await r.zmscore(key, 'a', 'missing', 'b'),
    await r.zmscore(key, ['b']),
  ])

  both('zincrby', async (r, key) => [
    await r.zincrby(key, 2, 'm'),
    await r.zincrby(key, 0.5, 'm'),
    await r.zincrby(key, '-10', 'm'),
  ])

  both('zrank / zrevrank', async (r, key) => [
    await seed(r, key),
    await r.zrank(key, 'a'),
    await r.zrank(key, 'e'),
    await r.zrevrank(key, 'a'),
    await r.zrank(key, 'missing'),
    await rejection(r.zrank(key, 'c', 'WITHSCORE')), // WITHSCORE needs Redis 7.2; before, the same error on both
  ])

  both('zrem / zcard / zcount', async (r, key) => [
    await seed(r, key),
    await r.zrem(key, 'a', 'missing'),
    await r.zrem(key, ['b']),
    await r.zcard(key),
    await r.zcount(key, '-inf', '+inf'),
    await r.zcount(key, '(3', 5),
    await r.zcard(`${key}:missing`),
  ])

  both('zpopmin / zpopmax with and without count', async (r, key) => [
    await seed(r, key),
    await r.zpopmin(key),
    await r.zpopmax(key),
    await r.zpopmin(key, 2),
    await r.zpopmax(key, 10),
    await r.zpopmin(key),
  ])

  both('zremrangebyscore / zremrangebyrank', async (r, key) => [
    await seed(r, key),
    await r.zremrangebyscore(key, '-inf', '(2'),
    await r.zremrangebyrank(key, -1, -1),
    await r.zrange(key, 0, -1, 'WITHSCORES'),
  ])

  both('zunionstore / zinterstore with WEIGHTS and AGGREGATE', async (r, key) => {
    await r.zadd(`${key}:1`, 1, 'a', 2, 'b')
    await r.zadd(`${key}:2`, 10, 'b', 20, 'c')
    return [
      await r.zunionstore(`${key}:u`, 2, `${key}:1`, `${key}:2`),
      await r.zrange(`${key}:u`, 0, -1, 'WITHSCORES'),
      await r.zinterstore(`${key}:i`, 2, `${key}:1`, `${key}:2`, 'WEIGHTS', 2, 1, 'AGGREGATE', 'MAX'),
      await r.zrange(`${key}:i`, 0, -1, 'WITHSCORES'),
      await r.zunion(2, `${key}:1`, `${key}:2`, 'WITHSCORES'),
      await r.zinter(2, `${key}:1`, `${key}:2`),
    ]
  })

  both('zscan until the cursor is 0', async (r, key) => {
    await r.zadd(key, ...Array.from({ length: 200 }, (_, i) => [i, `m${i}`]).flat())
    const { cursorType, items } = await scanAll((cursor) => r.zscan(key, cursor, 'MATCH', 'm1*', 'COUNT', 20))
    const byMember = new Map()
    for (let i = 0; i < items.length; i += 2) byMember.set(items[i], items[i + 1])
    return [cursorType, [...byMember].sort(([a], [b]) => (a < b ? -1 : 1))]
  })

  both('zrangestore / zrandmember with a count covering the set', async (r, key) => {
    await seed(r, key)
    const all = await r.zrandmember(key, 10, 'WITHSCORES')
    const pairs = []
    for (let i = 0; i < all.length; i += 2) pairs.push([all[i], all[i + 1]])
    return [
      await r.zrangestore(`${key}:dst`, key, 0, 2),
      await r.zrange(`${key}:dst`, 0, -1),
      pairs.sort(([a], [b]) => (a < b ? -1 : 1)),
    ]
  })

  both('zscanStream / zscanBufferStream emit flat member/score pages', async (r, key) => {
    await r.zadd(key, 1, 'a', 2, 'b', 3, 'c')
    const pages = await collect(r.zscanStream(key))
    const buffers = await collect(r.zscanBufferStream(key))
    return [pages, buffers.flat().every(Buffer.isBuffer)]
  })
})
