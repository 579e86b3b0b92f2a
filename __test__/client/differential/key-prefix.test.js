'use strict'
// keyPrefix: applied to key arguments only (not patterns, not replies), the same as ioredis.
const { bothWith, sorted, scanAll } = require('./differential')

const both = bothWith({ keyPrefix: 'kp:' })

describe('differential: keyPrefix', () => {
  both('key arguments get the prefix, values do not', async (r, key) => [
    await r.set(key, key),
    await r.get(key),
    await r.mset(`${key}:a`, 'x', `${key}:b`, 'y'),
    await r.mget(`${key}:a`, `${key}:b`),
    await r.rename(`${key}:a`, `${key}:c`),
    await r.exists(`${key}:a`, `${key}:c`),
  ])

  both('patterns and replies are not prefixed', async (r, key) => {
    await r.set(`${key}:s`, '1')
    const { items } = await scanAll((cursor) => r.scan(cursor, 'MATCH', `kp:${key}:*`, 'COUNT', 1000))
    return [sorted(await r.keys(`kp:${key}:*`)), await r.keys(`${key}:*`), sorted(items)]
  })

  both('eval KEYS, xread replies, call and pipelines', async (r, key) => [
    await r.eval('return KEYS', 2, `${key}:a`, `${key}:b`),
    await r.xadd(`${key}:x`, '1-1', 'f', 'v'),
    await r.xread('STREAMS', `${key}:x`, '0'),
    await r.call('SET', `${key}:call`, 'v'),
    await r.pipeline().get(`${key}:call`).lmove(`${key}:l1`, `${key}:l2`, 'LEFT', 'RIGHT').exec(),
    await r.multi().exists(`${key}:call`).exec(),
  ])

  both('defineCommand keys get the prefix', async (r, key) => {
    r.defineCommand('prefixedKeys', { numberOfKeys: 1, lua: 'return {KEYS[1], ARGV[1]}' })
    return [await r.prefixedKeys(`${key}:k`, `${key}:arg`), await r.pipeline().prefixedKeys(`${key}:p`, 'a').exec()]
  })

  both('Buffer keys get the prefix too', async (r, key) => [
    await r.set(Buffer.from(`${key}:buf`), 'v'),
    await r.get(`${key}:buf`),
  ])
})
