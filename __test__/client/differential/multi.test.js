'use strict'
// multi(): ioredis and our client resolve the same EXEC results and reject the same way.
const { both, rejection, viaCallback } = require('./differential')

describe('differential: multi', () => {
  both('chained commands', async (r, key) => r.multi().set(key, '1').incr(key).get(key).exec())

  both('a run-time error stays in its slot', async (r, key) =>
    r.multi().set(key, 'text').incr(key).lpush(key, 'x').get(key).exec(),
  )

  // ioredis also attaches `previousErrors` (the queue-time errors) to this rejection. The Upstash
  // REST API answers an aborted /multi-exec with the EXEC error alone, so our client cannot: only
  // name and message are compared.
  both('a queue-time error rejects exec with EXECABORT', async (r, key) =>
    rejection(r.multi().set(key, '1').incr(key, 'extra', 'args').get(key).exec()),
  )

  both('nothing ran after a queue-time error', async (r, key) => {
    await rejection(r.multi().set(key, 'written?').call('nosuchcommand', 'x').exec())
    return r.get(key)
  })

  both('hgetall inside multi is transformed to an object', async (r, key) =>
    r.multi().hset(key, 'a', '1', 'b', '2').hgetall(key).hgetall(`${key}:missing`).exec(),
  )

  both('*Buffer commands inside multi return Buffers in their slots only', async (r, key) =>
    r.multi().set(key, 'v').getBuffer(key).get(key).hset(`${key}:h`, 'f', 'v').hgetallBuffer(`${key}:h`).exec(),
  )

  both('the batch form multi([[...]])', async (r, key) =>
    r
      .multi([
        ['set', key, 'v'],
        ['get', key],
        ['strlen', key],
      ])
      .exec(),
  )

  both('an empty multi resolves []', async (r) => r.multi().exec())

  both('per-command callbacks get "QUEUED"', async (r, key) => {
    const seen = []
    const results = await r
      .multi()
      .set(key, 'v', (err, v) => seen.push([err, v]))
      .get(key, (err, v) => seen.push([err, v]))
      .exec()
    await new Promise((resolve) => setImmediate(resolve))
    return [results, seen]
  })

  both('exec with a callback', async (r, key) => viaCallback((cb) => r.multi().set(key, 1).incr(key).exec(cb)))

  both('a defined command inside multi', async (r, key) => {
    r.defineCommand('multiIncr', { numberOfKeys: 1, lua: "return redis.call('incrby', KEYS[1], ARGV[1])" })
    return r.multi().multiIncr(key, 2).multiIncr(key, 3).get(key).exec()
  })

  both('scripts inside multi', async (r, key) =>
    r.multi().eval("return redis.call('incrby', KEYS[1], ARGV[1])", 1, key, 5).eval('return {1, "two"}', 0).exec(),
  )
})
