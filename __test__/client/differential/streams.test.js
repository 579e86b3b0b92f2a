'use strict'
// Stream commands: ioredis and our client give the same replies for the same calls. Entry ids are
// explicit so replies are deterministic; idle times (milliseconds since delivery) are not, so
// they are reduced to their type.
const { both, rejection } = require('./differential')

/** A stream with entries 1-1 … 5-1, each { n: i }. */
async function seed(r, key) {
  for (let i = 1; i <= 5; i++) await r.xadd(key, `${i}-1`, 'n', String(i))
}

/** XPENDING extended rows [id, consumer, idle, deliveries] with idle reduced to its type. */
const withoutIdle = (rows) => rows.map(([id, consumer, idle, count]) => [id, consumer, typeof idle, count])

describe('differential: streams', () => {
  both('xadd with explicit ids, xlen, xrange', async (r, key) => [
    await r.xadd(key, '1-1', 'a', '1', 'b', '2'),
    await r.xadd(key, '1-2', ['c', '3']),
    await r.xadd(key, '2-*', 'd', '4'),
    await rejection(r.xadd(key, '1-1', 'e', '5')),
    await r.xlen(key),
    await r.xrange(key, '-', '+'),
    await r.xlen(`${key}:missing`),
  ])

  both('xadd with MAXLEN / NOMKSTREAM', async (r, key) => {
    await seed(r, key)
    return [
      await r.xadd(key, 'MAXLEN', 3, '6-1', 'n', '6'),
      await r.xlen(key),
      await r.xadd(key, 'MAXLEN', '=', 2, '7-1', 'n', '7'),
      await r.xrange(key, '-', '+'),
      await r.xadd(`${key}:missing`, 'NOMKSTREAM', '*', 'f', 'v'),
    ]
  })

  both('xrange / xrevrange with bounds and COUNT', async (r, key) => [
    await seed(r, key),
    await r.xrange(key, '2', '4'),
    await r.xrange(key, '-', '+', 'COUNT', 2),
    await r.xrange(key, '(2-1', '+', 'COUNT', 1),
    await r.xrevrange(key, '+', '-', 'COUNT', 2),
    await r.xrevrange(key, '4-1', '2-1'),
    await r.xrange(`${key}:missing`, '-', '+'),
  ])

  both('xdel / xtrim', async (r, key) => [
    await seed(r, key),
    await r.xdel(key, '1-1', '3-1', '9-9'),
    await r.xtrim(key, 'MAXLEN', 2),
    await r.xrange(key, '-', '+'),
    await r.xtrim(key, 'MINID', '5-1'),
    await r.xrange(key, '-', '+'),
  ])

  both('xread without BLOCK, with COUNT, several streams', async (r, key) => {
    await seed(r, `${key}:a`)
    await r.xadd(`${key}:b`, '9-1', 'x', 'y')
    return [
      await r.xread('STREAMS', `${key}:a`, '0'),
      await r.xread('COUNT', 2, 'STREAMS', `${key}:a`, `${key}:b`, '2-1', '0'),
      await r.xread('STREAMS', `${key}:a`, '5-1'),
      await r.xread('STREAMS', `${key}:missing`, '0'),
    ]
  })

  both('xgroup create / createconsumer / destroy', async (r, key) => [
    await r.xgroup('CREATE', key, 'g', '$', 'MKSTREAM'),
    await rejection(r.xgroup('CREATE', key, 'g', '$')),
    await r.xgroup('CREATECONSUMER', key, 'g', 'c1'),
    await r.xgroup('SETID', key, 'g', '0'),
    await r.xgroup('DESTROY', key, 'g'),
    await r.xgroup('DESTROY', key, 'g'),
    await rejection(r.xgroup('CREATE', `${key}:missing`, 'g', '$')),
  ])

  both('xreadgroup without BLOCK, xack', async (r, key) => {
    await seed(r, key)
    await r.xgroup('CREATE', key, 'g', '0')
    return [
      await r.xreadgroup('GROUP', 'g', 'c1', 'COUNT', 2, 'STREAMS', key, '>'),
      await r.xreadgroup('GROUP', 'g', 'c2', 'STREAMS', key, '>'),
      await r.xreadgroup('GROUP', 'g', 'c2', 'STREAMS', key, '>'),
      await r.xreadgroup('GROUP', 'g', 'c1', 'STREAMS', key, '0'),
      await r.xack(key, 'g', '1-1', '2-1', '9-9'),
      await r.xreadgroup('GROUP', 'g', 'c1', 'STREAMS', key, '0'),
      await rejection(r.xreadgroup('GROUP', 'nogroup', 'c1', 'STREAMS', key, '>')),
    ]
  })

  both('xpending summary and extended', async (r, key) => {
    await seed(r, key)
    await r.xgroup('CREATE', key, 'g', '0')
    await r.xreadgroup('GROUP', 'g', 'c1', 'COUNT', 2, 'STREAMS', key, '>')
    await r.xreadgroup('GROUP', 'g', 'c2', 'COUNT', 1, 'STREAMS', key, '>')
    return [
      await r.xpending(key, 'g'),
      withoutIdle(await r.xpending(key, 'g', '-', '+', 10)),
      withoutIdle(await r.xpending(key, 'g', '-', '+', 10, 'c2')),
      withoutIdle(await r.xpending(key, 'g', 'IDLE', 0, '-', '+', 1)),
      await r.xpending(`${key}:empty`, 'g').catch((e) => e.message),
    ]
  })

  both('xclaim / xautoclaim', async (r, key) => {
    await seed(r, key)
    await r.xgroup('CREATE', key, 'g', '0')
    await r.xreadgroup('GROUP', 'g', 'c1', 'STREAMS', key, '>')
    await r.xdel(key, '4-1')
    return [
      await r.xclaim(key, 'g', 'c2', 0, '1-1', '2-1'),
      await r.xclaim(key, 'g', 'c2', 0, '3-1', 'JUSTID'),
      await r.xclaim(key, 'g', 'c2', 3600000, '5-1'),
      await r.xautoclaim(key, 'g', 'c3', 0, '0', 'COUNT', 2),
      await r.xautoclaim(key, 'g', 'c3', 0, '0', 'COUNT', 10, 'JUSTID'),
      withoutIdle(await r.xpending(key, 'g', '-', '+', 10)),
    ]
  })

  both('xinfo stream / groups / consumers', async (r, key) => {
    await seed(r, key)
    await r.xgroup('CREATE', key, 'g', '0')
    await r.xreadgroup('GROUP', 'g', 'c1', 'COUNT', 3, 'STREAMS', key, '>')
    const consumers = await r.xinfo('CONSUMERS', key, 'g')
    return [
      await r.xinfo('STREAM', key),
      await r.xinfo('GROUPS', key),
      consumers.map((fields) =>
        fields.map((v, i) => (fields[i - 1] === 'idle' || fields[i - 1] === 'inactive' ? typeof v : v)),
      ),
      await r.xinfo('STREAM', key, 'FULL', 'COUNT', 2).then(
        (full) => full.length,
        (e) => e.message,
      ),
      await rejection(r.xinfo('STREAM', `${key}:missing`)),
    ]
  })
})
