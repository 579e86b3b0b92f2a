'use strict'
// Sharded pub/sub. SPUBLISH is an ordinary command: differential against ioredis, with a listener
// SSUBSCRIBEd on redis-server itself. SSUBSCRIBE/SUNSUBSCRIBE are a designed difference: the REST
// API has no sharded subscription endpoint, so they are refused with an error that names the
// alternative (SUBSCRIBE with PUBLISH), by the client and by the gateway alike.
const IORedis = require('ioredis')
const { env, send, uniqueKey } = require('../../support')
const { both, clients, rejection } = require('./differential')

const WAIT_MS = 10000

const listeners = []
afterAll(() => Promise.all(listeners.splice(0).map((l) => l.quit())))

/** An SSUBSCRIBE listener on redis-server; `next()` resolves the next `[channel, message]` (bounded). */
async function shardListener(channel) {
  const listener = new IORedis(env().redisUrl, { protocol: 2, maxRetriesPerRequest: 1 })
  listeners.push(listener)
  const received = []
  const waiting = []
  listener.on('smessage', (ch, message) => {
    const waiter = waiting.shift()
    if (waiter) waiter([ch, message])
    else received.push([ch, message])
  })
  await listener.ssubscribe(channel)
  const next = () =>
    received.length > 0
      ? Promise.resolve(received.shift())
      : new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no smessage within ${WAIT_MS} ms`)), WAIT_MS)
          waiting.push((value) => {
            clearTimeout(timer)
            resolve(value)
          })
        })
  return { next }
}

describe('differential: SPUBLISH', () => {
  both('spublish reaches an SSUBSCRIBE listener and counts it', async (r, key) => {
    const listener = await shardListener(key)
    const count = await r.spublish(key, 'hello')
    return [count, await listener.next(), await r.spublish(`${key}:nobody`, 'x')]
  })

  both('spublish inside a pipeline and multi, and through call()', async (r, key) => {
    const listener = await shardListener(key)
    const piped = await r.pipeline().spublish(key, 'one').spublish(`${key}:nobody`, 'x').exec()
    const transacted = await r.multi().spublish(key, 'two').exec()
    const called = await r.call('SPUBLISH', key, 'three')
    return [piped, transacted, called, await listener.next(), await listener.next(), await listener.next()]
  })

  both('a PUBLISH does not reach an SSUBSCRIBE listener (distinct namespaces)', async (r, key) => {
    const listener = await shardListener(key)
    const published = await r.publish(key, 'plain')
    await r.spublish(key, 'sharded')
    return [published, await listener.next()]
  })
})

describe('designed difference: SSUBSCRIBE / SUNSUBSCRIBE are refused, naming SUBSCRIBE', () => {
  const { ioredis, ours } = clients()

  test('ours rejects before sending, with the alternative and the reason; ioredis subscribes', async () => {
    const channel = uniqueKey('sharded')
    for (const attempt of [
      () => ours.ssubscribe(channel),
      () => ours.sunsubscribe(channel),
      () => ours.call('SSUBSCRIBE', channel),
    ]) {
      const error = await rejection(attempt())
      expect(error).toMatchObject({ name: 'RestrictedCommandError', code: 'ERR_REST_UNSUPPORTED' })
      expect(error.message).toMatch(/^S(UN)?SUBSCRIBE is not available over the REST API/)
      expect(error.message).toContain('no sharded subscription endpoint')
      expect(error.message).toContain('Use SUBSCRIBE (redis.subscribe()')
      expect(error.message).toContain('SPUBLISH runs, but its messages reach only SSUBSCRIBE subscribers')
    }
    // The client stays usable and subscribed to nothing.
    expect(await ours.publish(channel, 'x')).toBe(0)

    const sharded = ioredis.duplicate()
    try {
      expect(await sharded.ssubscribe(channel)).toBe(1)
    } finally {
      sharded.disconnect()
    }
  })

  test('in a pipeline only its own slot fails', async () => {
    const channel = uniqueKey('sharded')
    const results = await ours.pipeline().ssubscribe(channel).spublish(channel, 'x').exec()
    expect(results[0][0]).toMatchObject({ name: 'RestrictedCommandError' })
    expect(results[0][0].message).toContain('Use SUBSCRIBE')
    expect(results[1]).toEqual([null, 0])
  })

  test('the gateway refuses it over REST with the same text', async () => {
    const channel = uniqueKey('sharded')
    for (const name of ['SSUBSCRIBE', 'sunsubscribe']) {
      const res = await send({ body: [name, channel] })
      expect(res.status).toBe(400)
      expect(res.json.error).toMatch(/^ERR S(UN)?SUBSCRIBE is not available over the REST API/)
      expect(res.json.error).toContain('Use SUBSCRIBE (redis.subscribe()')
    }
  })
})
