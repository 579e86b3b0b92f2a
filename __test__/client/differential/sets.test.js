'use strict'
// Set commands: ioredis and our client give the same replies for the same calls. Redis does not
// define member order, so member lists are sorted before they are compared.
const { both, sorted, scanAll, collect } = require('./differential')

describe('differential: sets', () => {
  both('sadd / srem / smembers / scard', async (r, key) => [
    await r.sadd(key, 'a', 'b', 'c'),
    await r.sadd(key, ['c', 'd']),
    await r.srem(key, 'a', 'missing'),
    await r.srem(key, ['b']),
    sorted(await r.smembers(key)),
    await r.scard(key),
    await r.smembers(`${key}:missing`),
    await r.scard(`${key}:missing`),
  ])

  both('sismember / smismember', async (r, key) => [
    await r.sadd(key, 'a', 'b'),
    await r.sismember(key, 'a'),
    await r.sismember(key, 'z'),
    await r.smismember(key, 'a', 'z', 'b'),
    await r.smismember(key, ['z']),
  ])

  both('sinter / sunion / sdiff', async (r, key) => {
    await r.sadd(`${key}:1`, 'a', 'b', 'c')
    await r.sadd(`${key}:2`, 'b', 'c', 'd')
    return [
      sorted(await r.sinter(`${key}:1`, `${key}:2`)),
      sorted(await r.sunion(`${key}:1`, `${key}:2`)),
      sorted(await r.sdiff(`${key}:1`, `${key}:2`)),
      await r.sinter(`${key}:1`, `${key}:missing`),
      await r.sintercard(2, `${key}:1`, `${key}:2`),
    ]
  })

  both('sinterstore / sunionstore / sdiffstore', async (r, key) => {
    await r.sadd(`${key}:1`, 'a', 'b', 'c')
    await r.sadd(`${key}:2`, 'b', 'c', 'd')
    return [
      await r.sinterstore(`${key}:i`, `${key}:1`, `${key}:2`),
      await r.sunionstore(`${key}:u`, [`${key}:1`, `${key}:2`]),
      await r.sdiffstore(`${key}:d`, `${key}:1`, `${key}:2`),
      sorted(await r.smembers(`${key}:i`)),
      sorted(await r.smembers(`${key}:u`)),
      sorted(await r.smembers(`${key}:d`)),
    ]
  })

  both('spop with and without count', async (r, key) => {
    await r.sadd(key, 'only')
    const single = await r.spop(key)
    await r.sadd(key, 'a', 'b', 'c')
    return [single, sorted(await r.spop(key, 10)), await r.spop(key), await r.spop(key, 2)]
  })

  both('srandmember with and without count', async (r, key) => {
    await r.sadd(key, 'a', 'b', 'c')
    const one = await r.srandmember(key)
    const repeated = await r.srandmember(key, -5)
    return [
      ['a', 'b', 'c'].includes(one),
      sorted(await r.srandmember(key, 10)),
      repeated.length,
      repeated.every((m) => ['a', 'b', 'c'].includes(m)),
      await r.srandmember(`${key}:missing`),
      await r.srandmember(`${key}:missing`, 3),
    ]
  })

  both('smove', async (r, key) => [
    await r.sadd(`${key}:src`, 'a', 'b'),
    await r.smove(`${key}:src`, `${key}:dst`, 'a'),
    await r.smove(`${key}:src`, `${key}:dst`, 'missing'),
    sorted(await r.smembers(`${key}:src`)),
    sorted(await r.smembers(`${key}:dst`)),
  ])

  both('sscan until the cursor is 0', async (r, key) => {
    await r.sadd(
      key,
      Array.from({ length: 300 }, (_, i) => `m${i}`),
    )
    const { cursorType, items } = await scanAll((cursor) => r.sscan(key, cursor, 'MATCH', 'm2*', 'COUNT', 25))
    return [cursorType, sorted(new Set(items))]
  })

  both('sscanStream emits member pages', async (r, key) => {
    await r.sadd(
      key,
      Array.from({ length: 120 }, (_, i) => `m${i}`),
    )
    const pages = await collect(r.sscanStream(key, { match: 'm1*', count: 30 }))
    return sorted(new Set(pages.flat()))
  })
})
