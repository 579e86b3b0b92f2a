'use strict'
// Hash commands: ioredis and our client give the same replies for the same calls.
const { both, sorted, scanAll, collect } = require('./differential')

/** [[field, value], …] sorted by field, from a flat [field, value, …] list. */
function pairs(flat) {
  const out = []
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i], flat[i + 1]])
  return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}

describe('differential: hashes', () => {
  both('hset with an object, a Map and varargs', async (r, key) => [
    await r.hset(key, { a: '1', b: 2 }),
    await r.hset(
      key,
      new Map([
        ['b', 'two'],
        ['c', '3'],
      ]),
    ),
    await r.hset(key, 'd', '4', 'e', 5),
    await r.hset(key, ['f', '6']),
    await r.hgetall(key),
  ])

  both('hmset with an object and varargs', async (r, key) => [
    await r.hmset(key, { a: 'x', b: 'y' }),
    await r.hmset(key, 'c', 'z'),
    await r.hmset(key, new Map([['d', 'w']])),
    await r.hgetall(key),
  ])

  both('hget / hmget', async (r, key) => [
    await r.hset(key, 'a', '1', 'b', '2'),
    await r.hget(key, 'a'),
    await r.hget(key, 'missing'),
    await r.hget(`${key}:missing`, 'a'),
    await r.hmget(key, 'a', 'missing', 'b'),
    await r.hmget(key, ['b', 'a']),
    await r.hmget(`${key}:missing`, 'a'),
  ])

  both('hgetall of a missing key is {}', async (r, key) => r.hgetall(key))

  both('hgetall with __proto__, constructor and toString fields', async (r, key) => {
    await r.hset(key, '__proto__', 'p', 'constructor', 'c', 'toString', 't', 'hasOwnProperty', 'h')
    const all = await r.hgetall(key)
    return [all, Object.getPrototypeOf(all) === Object.prototype, Object.keys(all).sort(), all.__proto__]
  })

  both('hdel / hexists / hlen', async (r, key) => [
    await r.hset(key, 'a', 1, 'b', 2, 'c', 3),
    await r.hexists(key, 'a'),
    await r.hdel(key, 'a', 'missing'),
    await r.hdel(key, ['b', 'c']),
    await r.hexists(key, 'a'),
    await r.hlen(key),
    await r.exists(key),
  ])

  both('hincrby / hincrbyfloat', async (r, key) => [
    await r.hincrby(key, 'n', 5),
    await r.hincrby(key, 'n', -7),
    await r.hincrbyfloat(key, 'f', 1.5),
    await r.hincrbyfloat(key, 'f', '0.25'),
    await r.hgetall(key),
  ])

  both('hkeys / hvals / hstrlen', async (r, key) => [
    await r.hset(key, 'one', 'x', 'two', 'yy'),
    sorted(await r.hkeys(key)),
    sorted(await r.hvals(key)),
    await r.hstrlen(key, 'two'),
    await r.hkeys(`${key}:missing`),
  ])

  both('hsetnx', async (r, key) => [
    await r.hsetnx(key, 'f', 'first'),
    await r.hsetnx(key, 'f', 'second'),
    await r.hget(key, 'f'),
  ])

  both('hscan with MATCH and COUNT until the cursor is 0', async (r, key) => {
    await r.hset(key, Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`f${i}`, `v${i}`])))
    const { cursorType, items } = await scanAll((cursor) => r.hscan(key, cursor, 'MATCH', 'f1*', 'COUNT', 20))
    return [cursorType, pairs(items)]
  })

  both('hscan of a small hash returns everything in one page', async (r, key) => {
    await r.hset(key, 'a', '1', 'b', '2')
    const [cursor, items] = await r.hscan(key, 0)
    return [cursor, pairs(items)]
  })

  both('hscanStream emits flat field/value pages', async (r, key) => {
    await r.hset(key, Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`f${i}`, `v${i}`])))
    const pages = await collect(r.hscanStream(key, { count: 10 }))
    return pairs(pages.flat())
  })

  // HSCAN NOVALUES needs Redis 7.4; before that both clients report the same syntax error.
  both('hscanStream with noValues', async (r, key) => {
    await r.hset(key, 'f1', 'v1', 'f2', 'v2')
    return sorted((await collect(r.hscanStream(key, { noValues: true }))).flat())
  })

  both('hrandfield with and without counts', async (r, key) => {
    await r.hset(key, 'only', 'value')
    return [
      await r.hrandfield(key),
      await r.hrandfield(key, 1),
      await r.hrandfield(key, 2, 'WITHVALUES'),
      await r.hrandfield(`${key}:missing`),
      await r.hrandfield(`${key}:missing`, 2),
    ]
  })

  both('hrandfield with a count covering the whole hash', async (r, key) => {
    await r.hset(key, 'a', '1', 'b', '2', 'c', '3')
    return [sorted(await r.hrandfield(key, 5)), pairs(await r.hrandfield(key, 5, 'WITHVALUES'))]
  })
})
