'use strict'
// pipeline(): ioredis and our client give the same [[err, result], …] arrays.
const { both, viaCallback } = require('./differential')

describe('differential: pipeline', () => {
  both('chained commands in order', async (r, key) =>
    r.pipeline().set(key, '1').incr(key).get(key).del(key).get(key).exec(),
  )

  both('a failing command in the middle leaves the others alone', async (r, key) =>
    r.pipeline().set(key, 'text').incr(key).lpush(key, 'x').append(key, '!').get(key).exec(),
  )

  both('the batch form pipeline([[...]])', async (r, key) =>
    r
      .pipeline([
        ['set', key, 'v'],
        ['get', key],
        ['hset', `${key}:h`, 'f', '1'],
        ['hgetall', `${key}:h`],
        ['incr', key],
      ])
      .exec(),
  )

  both('hgetall inside a pipeline is transformed to an object', async (r, key) =>
    r.pipeline().hset(key, { a: '1', b: '2' }).hgetall(key).hgetall(`${key}:missing`).exec(),
  )

  both('length counts queued commands', async (r, key) => {
    const pipeline = r.pipeline().set(key, 1).get(key)
    const before = pipeline.length
    return [before, await pipeline.exec()]
  })

  both('addBatch and call / callBuffer inside a pipeline', async (r, key) => {
    const results = await r
      .pipeline()
      .addBatch([['hset', key, 'f', 'v']])
      .call('hgetall', key)
      .call('HGETALL', key)
      .callBuffer('hget', key, 'f')
      .call('nosuchcommand', key)
      .exec()
    return results.map(([err, value]) => [err, Buffer.isBuffer(value) ? ['buffer', String(value)] : value])
  })

  both('an empty pipeline resolves []', async (r) => r.pipeline().exec())

  both('per-command callbacks get the result or the error', async (r, key) => {
    const seen = []
    const record = (label) => (err, value) => seen.push([label, err ? err.message : null, value])
    const results = await r
      .pipeline()
      .set(key, 'text', record('set'))
      .incr(key, record('incr'))
      .get(key, record('get'))
      .exec()
    await new Promise((resolve) => setImmediate(resolve))
    return [results, seen]
  })

  both('exec with a callback', async (r, key) => viaCallback((cb) => r.pipeline().set(key, 1).get(key).exec(cb)))

  both('*Buffer commands inside a pipeline', async (r, key) => {
    const results = await r.pipeline().set(key, 'bytes').getBuffer(key).get(key).exec()
    return results.map(([err, value]) => [err, Buffer.isBuffer(value), String(value)])
  })

  both('many commands in one pipeline', async (r, key) => {
    const pipeline = r.pipeline()
    for (let i = 0; i < 2500; i++) pipeline.incr(key)
    const results = await pipeline.exec()
    return [results.length, results[0], results[2499], results.every(([err, v], i) => err === null && v === i + 1)]
  })
})

describe('differential: inline transactions and pipeline details', () => {
  both('pipeline().set().multi().incr().incr().exec().get().exec()', async (r, key) => {
    const pipeline = r.pipeline().set(key, 1).multi().incr(key).incr(key).exec().get(key)
    return [pipeline.length, await pipeline.exec()]
  })

  both('an inline transaction transforms its EXEC results; errors stay in place', async (r, key) => [
    await r.hset(`${key}:h`, 'f', 'v'),
    await r.set(key, 'text'),
    await r.pipeline().multi().hgetall(`${key}:h`).incr(key).getBuffer(key).exec().exec(),
  ])

  both('two inline transactions, one after the other', async (r, key) => [
    await r.set(key, 'x'),
    await r.pipeline().multi().get(key).exec().multi().incr(key).exec().get(key).exec(),
  ])

  both('pipeline.options is the client options', async (r) => {
    const pipeline = r.pipeline()
    return [pipeline.options === r.options, r.multi().options === r.options]
  })

  both('a defined command in the batch forms pipeline([[…]]) and multi([[…]])', async (r, key) => {
    r.defineCommand('echoKey', { numberOfKeys: 1, lua: 'return redis.call("GET", KEYS[1])' })
    await r.set(key, 'v')
    return [
      await r
        .multi([
          ['echoKey', key],
          ['get', key],
        ])
        .exec(),
      await r.pipeline([['echoKey', key]]).exec(),
    ]
  })

  both('a callback runs before .then handlers registered after the call, as in ioredis', async (r, key) => {
    const order = []
    const done = r.set(key, 1, () => order.push('callback')).then(() => order.push('then'))
    await done
    const multi = r.multi()
    multi.incr(key, (error, reply) => order.push(`queued:${reply}`))
    await multi.exec().then(() => order.push('exec'))
    await r.get(key, (error, value) => order.push(`get:${value}`))
    return order
  })
})
