'use strict'
// Generic key commands: ioredis and our client give the same replies for the same calls.
const { both, rejection, sorted, scanAll, collect } = require('./differential')

const ttlWithin = (ttl, limit) => [typeof ttl, ttl > 0 && ttl <= limit]

describe('differential: keys', () => {
  both('del with varargs and with an array', async (r, key) => [
    await r.mset(`${key}:a`, 1, `${key}:b`, 2, `${key}:c`, 3, `${key}:d`, 4),
    await r.del(`${key}:a`),
    await r.del([`${key}:b`, `${key}:c`, `${key}:missing`]),
    await r.del(`${key}:d`, [`${key}:missing`]),
    await r.del(`${key}:a`),
  ])

  both('exists with several keys counts repeats', async (r, key) => [
    await r.set(`${key}:a`, 1),
    await r.exists(`${key}:a`),
    await r.exists(`${key}:a`, `${key}:a`, `${key}:missing`),
    await r.exists([`${key}:a`, `${key}:missing`]),
  ])

  both('expire / pexpire / ttl / pttl / persist', async (r, key) => [
    await r.set(key, 'v'),
    await r.ttl(key),
    await r.pttl(`${key}:missing`),
    await r.expire(key, 100),
    ttlWithin(await r.ttl(key), 100),
    await r.pexpire(key, 50000),
    ttlWithin(await r.pttl(key), 50000),
    await r.expire(key, 100, 'NX'),
    await r.expire(key, 200, 'GT'),
    await r.persist(key),
    await r.persist(key),
    await r.expire(`${key}:missing`, 10),
  ])

  both('expireat / pexpireat / expiretime', async (r, key) => [
    await r.set(key, 'v'),
    await r.expireat(key, 4102444800),
    await r.expiretime(key),
    await r.pexpireat(key, 4102444800123),
    await r.pexpiretime(key),
  ])

  both('type of every kind', async (r, key) => {
    await r.set(`${key}:s`, 'v')
    await r.rpush(`${key}:l`, 'v')
    await r.sadd(`${key}:set`, 'v')
    await r.zadd(`${key}:z`, 1, 'v')
    await r.hset(`${key}:h`, 'f', 'v')
    await r.xadd(`${key}:x`, '1-1', 'f', 'v')
    return Promise.all(['s', 'l', 'set', 'z', 'h', 'x', 'missing'].map((s) => r.type(`${key}:${s}`)))
  })

  both('rename / renamenx', async (r, key) => [
    await r.set(`${key}:a`, '1'),
    await r.rename(`${key}:a`, `${key}:b`),
    await r.get(`${key}:b`),
    await rejection(r.rename(`${key}:missing`, `${key}:c`)),
    await r.set(`${key}:c`, '3'),
    await r.renamenx(`${key}:b`, `${key}:c`),
    await r.renamenx(`${key}:b`, `${key}:d`),
    await r.mget(`${key}:b`, `${key}:c`, `${key}:d`),
  ])

  both('copy with and without REPLACE', async (r, key) => [
    await r.set(`${key}:src`, 'v1'),
    await r.copy(`${key}:src`, `${key}:dst`),
    await r.set(`${key}:src`, 'v2'),
    await r.copy(`${key}:src`, `${key}:dst`),
    await r.copy(`${key}:src`, `${key}:dst`, 'REPLACE'),
    await r.get(`${key}:dst`),
  ])

  both('scan with MATCH and COUNT until the cursor is 0', async (r, key) => {
    await r.mset(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`${key}:${i}`, i])))
    const { cursorType, items } = await scanAll((cursor) => r.scan(cursor, 'MATCH', `${key}:*`, 'COUNT', 50))
    return [cursorType, sorted(items)]
  })

  both('scanStream / scanBufferStream emit arrays of keys', async (r, key) => {
    await r.mset(Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`${key}:${i}`, i])))
    const pages = await collect(r.scanStream({ match: `${key}:*`, count: 1000 }))
    const bufferPages = await collect(r.scanBufferStream({ match: `${key}:1*`, count: 1000 }))
    return [
      pages.every(Array.isArray),
      sorted(pages.flat()),
      bufferPages.flat().every(Buffer.isBuffer),
      sorted(bufferPages.flat().map(String)),
    ]
  })

  // ioredis's ScanStream reads each page through the client's own method (scan, scanBuffer,
  // hscan…), passing one array of arguments, so a wrapper or spy on that method sees every page.
  both("scan streams read each page through the client's own scan method", async (r, key) => {
    await r.mset(Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`${key}:${i}`, i])))
    await r.hset(`${key}:h`, 'f', 'v')
    const calls = []
    for (const method of ['scan', 'scanBuffer', 'hscan']) {
      const original = r[method]
      r[method] = function (...args) {
        calls.push([method, args[0]])
        return original.apply(this, args)
      }
    }
    try {
      await collect(r.scanStream({ match: `${key}:1`, count: 1000 }))
      await collect(r.scanBufferStream({ match: `${key}:2`, count: 1000 }))
      await collect(r.hscanStream(`${key}:h`, { count: 10 }))
    } finally {
      for (const method of ['scan', 'scanBuffer', 'hscan']) delete r[method]
    }
    // How many pages a scan takes depends on the whole keyspace, which other suites share: compare
    // the first call of each method (which method, and the cursor or key it started from).
    const first = {}
    for (const [method, arg] of calls) if (!(method in first)) first[method] = String(arg)
    return first
  })

  both('scan with TYPE', async (r, key) => {
    await r.set(`${key}:s`, 'v')
    await r.rpush(`${key}:l`, 'v')
    const { items } = await scanAll((cursor) => r.scan(cursor, 'MATCH', `${key}:*`, 'TYPE', 'list', 'COUNT', 1000))
    return sorted(items)
  })

  both('keys with a pattern', async (r, key) => [
    await r.mset(`${key}:a1`, 1, `${key}:a2`, 2, `${key}:b1`, 3),
    sorted(await r.keys(`${key}:a*`)),
    sorted(await r.keys(`${key}:*`)),
    await r.keys(`${key}:none*`),
  ])

  both('object encoding', async (r, key) => [
    await r.set(`${key}:int`, '12345'),
    await r.set(`${key}:str`, 'hello'),
    await r.rpush(`${key}:list`, 'a', 'b'),
    await r.object('ENCODING', `${key}:int`),
    await r.object('ENCODING', `${key}:str`),
    await r.object('ENCODING', `${key}:list`),
    await r.object('ENCODING', `${key}:missing`),
  ])

  both('touch / unlink', async (r, key) => [
    await r.mset(`${key}:a`, 1, `${key}:b`, 2),
    await r.touch(`${key}:a`, `${key}:b`, `${key}:missing`),
    await r.unlink(`${key}:a`, [`${key}:b`]),
    await r.exists(`${key}:a`, `${key}:b`),
  ])

  both('dump / restore round-trip', async (r, key) => {
    await r.rpush(`${key}:src`, 'a', 'b', 'c')
    const dumped = await r.dumpBuffer(`${key}:src`)
    return [
      Buffer.isBuffer(dumped),
      await r.restore(`${key}:dst`, 0, dumped),
      await r.lrange(`${key}:dst`, 0, -1),
      await rejection(r.restore(`${key}:dst`, 0, dumped)),
    ]
  })
})
