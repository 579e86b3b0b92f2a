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

// ioredis's manual transaction: multi({ pipeline: false }) opens it, the client's commands resolve
// 'QUEUED' until exec(), whose results come as [[err, result], …].
describe('differential: multi({ pipeline: false })', () => {
  both('exec and discard without multi reject as Redis does', async (r) => [
    await rejection(r.exec()),
    await rejection(r.discard()),
  ])

  both('commands resolve QUEUED and exec resolves their results', async (r, key) => {
    const opened = await r.multi({ pipeline: false })
    const queued = [await r.set(key, '1'), await r.incr(key), await r.getBuffer(key), await r.hgetall(`${key}:h`)]
    return [opened, queued, await r.exec(), await r.get(key)]
  })

  both('execBuffer returns the results as Buffers', async (r, key) => {
    await r.multi({ pipeline: false })
    await r.set(key, 'v')
    await r.get(key)
    return r.execBuffer()
  })

  both('callbacks see QUEUED and the exec results, in order', async (r, key) => {
    const order = []
    await r.multi({ pipeline: false })
    r.set(key, 'v', (err, res) => order.push(['set', err, res]))
    r.get(key).then((res) => order.push(['get', res]))
    const results = await viaCallback((cb) => r.exec(cb))
    return [order, results]
  })

  both('a run-time error stays in its slot', async (r, key) => {
    await r.multi({ pipeline: false })
    r.set(key, 'text')
    r.lpush(key, 'x')
    return r.exec()
  })

  both('discard drops the queued commands', async (r, key) => {
    await r.set(key, 'before')
    await r.multi({ pipeline: false })
    const queued = await r.set(key, 'after')
    return [queued, await r.discard(), await r.get(key), await rejection(r.exec())]
  })

  both('a second multi({ pipeline: false }) is refused and the open transaction goes on', async (r, key) => {
    await r.multi({ pipeline: false })
    const nested = await rejection(r.multi({ pipeline: false }))
    await r.set(key, 'v')
    return [nested, await r.exec(), await r.get(key)]
  })

  both('an empty transaction resolves []', async (r) => {
    await r.multi({ pipeline: false })
    return r.exec()
  })
})
