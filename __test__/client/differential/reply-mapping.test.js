'use strict'
// replyMapping: 'resp3' — ioredis 6 over RESP3 (maps as objects, doubles as numbers, scores as
// [member, score] pairs) against our client, which rebuilds those shapes from REST's RESP2 replies.
const { bothWith, rejection } = require('./differential')

const both = bothWith({ protocol: 3, replyMapping: 'resp3' })
const seed = (r, key) => r.zadd(key, 1.5, 'a', 2, 'b', 3.25, 'c')

describe('differential: replyMapping resp3', () => {
  both('doubles: zscore, zincrby, zmscore, zadd INCR (and infinities)', async (r, key) => [
    await seed(r, key),
    await r.zscore(key, 'a'),
    await r.zscore(key, 'missing'),
    await r.zincrby(key, 0.5, 'a'),
    await r.zmscore(key, 'a', 'missing', 'c'),
    await r.zadd(key, 'INCR', 1, 'b'),
    await r.zadd(key, 'NX', 'INCR', 1, 'b'),
    await r.zadd(key, '+inf', 'top', '-inf', 'bottom'),
    await r.zscore(key, 'top'),
    await r.zscore(key, 'bottom'),
    await r.zadd(key, 1, 'INCR'), // a member named INCR is not the option
    await r.zscoreBuffer(key, 'a'),
  ])

  both('WITHSCORES replies become [member, score] pairs', async (r, key) => [
    await seed(r, key),
    await r.zrange(key, 0, -1, 'WITHSCORES'),
    await r.zrange(key, 0, -1),
    await r.zrange(key, '-inf', '+inf', 'BYSCORE', 'LIMIT', 0, 2, 'WITHSCORES'),
    await r.zrangebyscore(key, '-inf', '+inf', 'WITHSCORES'),
    await r.zrevrange(key, 0, 1, 'WITHSCORES'),
    await r.zrevrangebyscore(key, '+inf', '-inf', 'WITHSCORES', 'LIMIT', 0, 1),
    await r.zunion(2, key, key, 'WITHSCORES'),
    await r.zinter(1, key, 'WITHSCORES'),
    await r.zdiff(1, key, 'WITHSCORES'),
    (await r.zrandmember(key, -5, 'WITHSCORES')).length,
    await r.zrangeBuffer(key, 0, 0, 'WITHSCORES'),
  ])

  both('a key named WITHSCORES is a key, not the option', async (r, key) => {
    const odd = `${key}:WITHSCORES`
    await r.zadd(odd, 1, 'x')
    return [await r.zrange(odd, 0, -1), await r.zunion(1, odd)]
  })

  both('zpopmin / zpopmax: one pair without COUNT, pairs with it', async (r, key) => [
    await seed(r, key),
    await r.zpopmin(key),
    await r.zpopmax(key, 5),
    await r.zpopmin(key),
  ])

  both('zmpop: [key, [[member, score], …]] with the scores as doubles', async (r, key) => [
    await seed(r, key),
    await r.zmpop(1, key, 'MIN'),
    await r.zmpop(2, `${key}:missing`, key, 'MAX', 'COUNT', 5),
    await r.zmpop(1, key, 'MIN'),
  ])

  both('maps: hgetall, config get, hrandfield WITHVALUES as pairs', async (r, key) => [
    await r.hset(key, 'f1', 'v1', 'f2', 'v2'),
    await r.hgetall(key),
    await r.hgetall(`${key}:missing`),
    await r.call('HGETALL', key),
    await r.config('GET', 'maxmemory-policy'),
    await r.call('config', 'get', 'maxmemory-policy'),
    (await r.hrandfield(key, -4, 'WITHVALUES')).every((pair) => Array.isArray(pair) && pair.length === 2),
    await r.hgetallBuffer(key),
  ])

  both('streams: xread and xreadgroup as maps, xinfo as maps', async (r, key) => {
    await r.xadd(key, '1-1', 'f', 'v')
    await r.xadd(key, '2-1', 'g', 'w')
    await r.xgroup('CREATE', key, 'grp', '0')
    const read = await r.xread('COUNT', 10, 'STREAMS', key, '0')
    const group = await r.xreadgroup('GROUP', 'grp', 'c1', 'COUNT', 1, 'STREAMS', key, '>')
    const stream = await r.xinfo('STREAM', key)
    const groups = await r.xinfo('GROUPS', key)
    const consumers = (await r.xinfo('CONSUMERS', key, 'grp')).map(({ name, pending }) => ({ name, pending }))
    const full = await r.xinfo('STREAM', key, 'FULL')
    const shape = (value) =>
      JSON.stringify(value, (k, v) => (/time|idle/.test(k) || (typeof v === 'number' && v > 1e12) ? 0 : v))
    return [read, group, stream, groups, consumers, shape(full), await r.xread('STREAMS', `${key}:none`, '0')]
  })

  // Redis prints RESP2 coordinates from a long double and RESP3 ones from a double, so the last
  // digit may differ: compared rounded to 12 places (toFixed also proves they are numbers).
  const round = (value) =>
    Array.isArray(value) ? value.map(round) : typeof value === 'number' ? Number(value.toFixed(12)) : value
  both('geo: coordinates as numbers, distances as text', async (r, key) => [
    await r.geoadd(key, 13.361389, 38.115556, 'Palermo', 15.087269, 37.502669, 'Catania'),
    round(await r.geopos(key, 'Palermo', 'missing')),
    await r.geodist(key, 'Palermo', 'Catania', 'km'),
    round(await r.geosearch(key, 'FROMLONLAT', 15, 37, 'BYRADIUS', 200, 'km', 'ASC', 'WITHDIST', 'WITHCOORD')),
    await r.geosearch(key, 'FROMMEMBER', 'Palermo', 'BYRADIUS', 300, 'km', 'ASC', 'WITHDIST'),
    round(await r.georadius(key, 15, 37, 200, 'km', 'WITHCOORD', 'ASC')),
  ])

  both('replies RESP3 leaves alone keep their shape; errors stay errors', async (r, key) => [
    await r.set(key, '1.5'),
    await r.incrbyfloat(key, 1),
    await r.zadd(`${key}:z`, 1, 'm'),
    await r.zscan(`${key}:z`, 0),
    await r.zrank(`${key}:z`, 'm'),
    await rejection(r.zscore(key, 'm')),
    await rejection(r.hgetall(key)),
  ])

  both('inside pipelines and transactions too', async (r, key) => [
    await r.pipeline().zadd(key, 2.5, 'm').zscore(key, 'm').zrange(key, 0, -1, 'WITHSCORES').hgetall(`${key}:h`).exec(),
    await r.multi().zincrby(key, 1, 'm').zrange(key, 0, -1, 'WITHSCORES').exec(),
  ])
})

describe('differential: replyMapping resp3, server and string replies', () => {
  // Commands REST runs whose RESP3 replies are maps (MEMORY, HELLO, CLIENT, FUNCTION are refused).
  both('acl getuser: a map, selectors as maps', async (r) => [await r.acl('GETUSER', 'default')])
  both('command docs: nested maps', async (r) => [await r.command('DOCS', 'get', 'zadd')])
  both('lcs IDX: a map', async (r, key) => [
    await r.mset(`${key}:a`, 'ohmytext', `${key}:b`, 'mynewtext'),
    await r.lcs(`${key}:a`, `${key}:b`, 'IDX', 'MINMATCHLEN', 4, 'WITHMATCHLEN'),
    await r.lcs(`${key}:a`, `${key}:b`),
  ])
})
