'use strict'
// Where our client is designed to differ from ioredis. NOT differential: each test asserts our
// documented behaviour, and, where it is safe to run, what ioredis does instead, so the difference
// is shown rather than assumed.
const { uniqueKey } = require('../../support')
const { clients, rejection } = require('./differential')

const REST_UNSUPPORTED = { name: 'RestrictedCommandError', code: 'ERR_REST_UNSUPPORTED' }

/** Polls `read()` until it gives `expected` or 5 s pass; resolves the last value read. */
async function eventually(read, expected, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs
  let value = await read()
  while (value !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10))
    value = await read()
  }
  return value
}

describe('designed differences from ioredis', () => {
  const { ioredis, ours } = clients()

  test('objects as arguments: ours throws a TypeError and stores nothing; ioredis stores "[object Object]"', async () => {
    const [theirKey, ourKey] = [uniqueKey('dd-object'), uniqueKey('dd-object')]
    expect(await ioredis.set(theirKey, { a: 1 })).toBe('OK')
    expect(await ioredis.get(theirKey)).toBe('[object Object]')

    for (const value of [{ a: 1 }, new Date(0), Symbol('s'), new Map()]) {
      const error = await rejection(ours.set(ourKey, value))
      expect(error).toBeInstanceOf(TypeError)
      expect(error.message).toMatch(/^set: argument 2 is (an object|a Map)/)
    }
    expect(await ours.exists(ourKey)).toBe(0)
  })

  test('arrays nested two levels: ours throws a TypeError; ioredis stores them joined with ","', async () => {
    const [theirKey, ourKey] = [uniqueKey('dd-nested'), uniqueKey('dd-nested')]
    expect(await ioredis.rpush(theirKey, [['a', 'b']])).toBe(1)
    expect(await ioredis.lrange(theirKey, 0, -1)).toEqual(['a,b'])
    const error = await rejection(ours.rpush(ourKey, [['a', 'b']]))
    expect(error).toBeInstanceOf(TypeError)
    expect(error.message).toMatch(/^rpush: argument 2 is a nested array/)
  })

  test('a Uint8Array argument: ours sends its bytes; ioredis stores String(array)', async () => {
    const [theirKey, ourKey] = [uniqueKey('dd-u8'), uniqueKey('dd-u8')]
    const bytes = new Uint8Array([104, 105])
    await ioredis.set(theirKey, bytes)
    expect(await ioredis.get(theirKey)).toBe('104,105')
    await ours.set(ourKey, bytes)
    expect(await ours.get(ourKey)).toBe('hi')
  })

  test('blocking commands reject at once with RestrictedCommandError (REST cannot hold a connection)', async () => {
    const key = uniqueKey('dd-blocking')
    const calls = [
      () => ours.blpop(key, 0),
      () => ours.brpop(key, 1),
      () => ours.blmove(key, `${key}:dst`, 'LEFT', 'RIGHT', 0),
      () => ours.bzpopmin(key, 0),
      () => ours.xread('BLOCK', 0, 'STREAMS', key, '$'),
      () => ours.xreadgroup('GROUP', 'g', 'c', 'BLOCK', 10, 'STREAMS', key, '>'),
      () => ours.wait(0, 0),
    ]
    for (const call of calls) {
      const error = await rejection(call())
      expect(error).toMatchObject(REST_UNSUPPORTED)
      expect(error.message).toMatch(/not available over the REST API/)
    }
  })

  test('multi({ pipeline: false }): a command the client refuses rejects at once; exec() then rejects with EXECABORT and nothing ran', async () => {
    const key = uniqueKey('dd-manual-multi')
    expect(await ours.multi({ pipeline: false })).toBe('OK')
    expect(await ours.set(key, 'queued')).toBe('QUEUED')
    expect(await rejection(ours.select(1))).toMatchObject(REST_UNSUPPORTED)
    const error = await rejection(ours.exec())
    expect(error).toMatchObject({
      name: 'ReplyError',
      message: 'EXECABORT Transaction discarded because of previous errors.',
    })
    expect(await ours.get(key)).toBe(null)
    // The transaction is over: the next exec() has none.
    expect((await rejection(ours.exec())).message).toBe('ERR EXEC without MULTI')
    // As Redis answers a bare EXEC, also through call(): a ReplyError, not a REST refusal.
    expect(await rejection(ours.call('EXEC'))).toMatchObject({ name: 'ReplyError', message: 'ERR EXEC without MULTI' })
  })

  test('connection-state and transaction commands reject with RestrictedCommandError', async () => {
    const key = uniqueKey('dd-state')
    const calls = [
      () => ours.select(1),
      () => ours.client('LIST'),
      () => ours.call('AUTH', 'secret'),
      () => ours.watch(key),
      () => ours.call('MULTI'),
    ]
    for (const call of calls) expect(await rejection(call())).toMatchObject(REST_UNSUPPORTED)
  })

  test('server commands Upstash does not run reject with RestrictedCommandError; ioredis runs them', async () => {
    const key = uniqueKey('dd-server')
    expect(typeof (await ioredis.lastsave())).toBe('number')
    await ioredis.set(key, 'v')
    expect(typeof (await ioredis.memory('USAGE', key))).toBe('number')
    const calls = [
      () => ours.lastsave(),
      () => ours.memory('USAGE', key),
      () => ours.save(),
      () => ours.config('SET', 'slowlog-max-len', '128'),
      () => ours.slowlog('LEN'),
    ]
    for (const call of calls) {
      const error = await rejection(call())
      expect(error).toMatchObject(REST_UNSUPPORTED)
      expect(error.message).toMatch(/^Command is not available: '/)
    }
  })

  test('a restricted command fails its own pipeline slot only, but refuses a whole multi()', async () => {
    const key = uniqueKey('dd-restricted-batch')
    const results = await ours.pipeline().set(key, '1').blpop(key, 0).get(key).exec()
    expect(results[0]).toEqual([null, 'OK'])
    expect(results[1][0]).toMatchObject(REST_UNSUPPORTED)
    expect(results[2]).toEqual([null, '1'])
    expect(await rejection(ours.multi().incr(key).blpop(key, 0).exec())).toMatchObject(REST_UNSUPPORTED)
    expect(await ours.get(key)).toBe('1')
  })

  test('binary (non-UTF-8) data: only as the last argument, and never inside multi()', async () => {
    // The REST API carries binary bytes only as the raw body of a single-command request.
    const key = uniqueKey('dd-binary')
    const binary = Buffer.from([0xff, 0x00, 0xfe])
    const inMiddle = await rejection(ours.hset(key, binary, 'value'))
    expect(inMiddle).toBeInstanceOf(TypeError)
    expect(inMiddle.message).toMatch(/only the last argument of a command may be binary/)
    const inMulti = await rejection(ours.multi().set(key, binary).exec())
    expect(inMulti).toBeInstanceOf(TypeError)
    expect(inMulti.message).toMatch(/cannot be part of multi\(\)/)
    expect(await ours.exists(key)).toBe(0)

    // ioredis takes binary anywhere.
    const theirKey = uniqueKey('dd-binary')
    expect(await ioredis.hset(theirKey, binary, 'value')).toBe(1)
  })

  test('exec() twice: ours rejects and sends nothing; ioredis v6 re-sends the commands', async () => {
    const [theirKey, ourKey] = [uniqueKey('dd-exec-twice'), uniqueKey('dd-exec-twice')]
    const message = 'Pipeline cannot be used to send any commands when the `exec()` has been called on it.'

    const theirs = ioredis.pipeline().incr(theirKey)
    expect(await theirs.exec()).toEqual([[null, 1]])
    expect(await theirs.exec()).toEqual([[null, 1]]) // stale results, while INCR runs again
    expect(await eventually(() => ioredis.get(theirKey), '2')).toBe('2')

    for (const batch of [ours.pipeline().incr(ourKey), ours.multi().incr(ourKey)]) {
      await batch.exec()
      const error = await rejection(batch.exec())
      expect(error).toBeInstanceOf(Error)
      expect(error.message).toBe(message)
    }
    expect(await ours.get(ourKey)).toBe('2')
  })

  test('EXECABORT carries no previousErrors over REST (ioredis lists the queue-time errors)', async () => {
    const [theirKey, ourKey] = [uniqueKey('dd-execabort'), uniqueKey('dd-execabort')]
    const theirs = await rejection(ioredis.multi().incr(theirKey, 'extra').exec())
    expect(theirs.previousErrors.map((e) => e.message)).toEqual(["ERR wrong number of arguments for 'incr' command"])
    const error = await rejection(ours.multi().incr(ourKey, 'extra').exec())
    expect(error.message).toBe('EXECABORT Transaction discarded because of previous errors.')
    expect(error.previousErrors).toBeUndefined()
  })

  test('lenient where ioredis v6 throws a TypeError: call([name, ...args]) and upper-case batch names', async () => {
    const key = uniqueKey('dd-lenient')
    expect(() => ioredis.call(['set', key, 'v'])).toThrow(TypeError)
    expect(() => ioredis.pipeline([['SET', key, 'v']])).toThrow(TypeError)

    expect(await ours.call(['set', key, 'v'])).toBe('OK')
    expect(await ours.pipeline([['GET', key]]).exec()).toEqual([[null, 'v']])
    const noName = await rejection(ours.call())
    expect(noName).toBeInstanceOf(TypeError)
    expect(noName.message).toBe('call() needs a command name')
  })
})
