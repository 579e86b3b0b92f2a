'use strict'
// stringNumbers: true — every integer reply as its exact decimal text (beyond 2^53 too), in
// pipelines and transactions, in …Buffer variants (as a string, as ioredis gives it) and with
// replyMapping: 'resp3' (where doubles become text as well).
const { bothWith } = require('./differential')

const both = bothWith({ stringNumbers: true })
const resp3 = bothWith({ stringNumbers: true, protocol: 3, replyMapping: 'resp3' })

// 2^60 + 1: no double holds it, so a reply read through a Number would end in ...976 instead.
const BIG = '1152921504606846977'

describe('differential: stringNumbers', () => {
  both('integers beyond 2^53 are exact text: INCRBY, DECRBY, negative', async (r, key) => [
    await r.incrby(key, BIG),
    await r.incrby(key, BIG),
    await r.decrby(`${key}:n`, BIG),
    await r.incr(`${key}:small`),
    await r.get(key),
  ])

  both('counts and other integer replies: ZCARD, DEL, EXISTS, STRLEN, TTL', async (r, key) => [
    await r.zadd(key, 1, 'a', 2, 'b'),
    await r.zcard(key),
    await r.exists(key, `${key}:missing`),
    await r.strlen(`${key}:missing`),
    await r.ttl(key),
    await r.del(key),
    await r.zscore(`${key}:z`, 'none'),
  ])

  both('inside a pipeline', async (r, key) =>
    r.pipeline().incrby(key, BIG).zadd(`${key}:z`, 1, 'a').zcard(`${key}:z`).get(key).incr(`${key}:text`).exec(),
  )

  both('a failing command beside integers in a pipeline', async (r, key) =>
    r.pipeline().set(key, 'text').incr(key).incrby(`${key}:n`, BIG).exec(),
  )

  both('inside multi', async (r, key) =>
    r.multi().incrby(key, BIG).incrby(key, 1).zadd(`${key}:z`, 5, 'm').zcard(`${key}:z`).exec(),
  )

  both('…Buffer variants: integers stay strings, bulk replies are Buffers', async (r, key) => [
    await r.incrbyBuffer(key, BIG),
    await r.getBuffer(key),
    await r.callBuffer('ZCARD', `${key}:z`),
    await r.pipeline().incrbyBuffer(key, 1).getBuffer(key).exec(),
  ])

  both('integers from scripts, nested in arrays', async (r, key) => [
    await r.eval(`return {redis.call('incrby', KEYS[1], ARGV[1]), 7, {8, 'x'}}`, 1, key, BIG),
    await r.call('INCRBY', key, '-5'),
  ])

  resp3('with replyMapping resp3: doubles are text too, integers exact', async (r, key) => [
    await r.zadd(key, 1.5, 'a', 2, 'b'),
    await r.zscore(key, 'a'),
    await r.zincrby(key, 0.25, 'a'),
    await r.zmscore(key, 'a', 'none'),
    await r.zrange(key, 0, -1, 'WITHSCORES'),
    await r.zscoreBuffer(key, 'b'),
    await r.incrby(`${key}:n`, BIG),
    await r.hset(`${key}:h`, 'f', '1'),
    await r.hgetall(`${key}:h`),
    await r.pipeline().zscore(key, 'b').zcard(key).exec(),
    await r.multi().zincrby(key, 1, 'b').incrby(`${key}:n`, 1).exec(),
  ])
})
