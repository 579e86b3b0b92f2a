'use strict'
// What failures look like to the caller: Redis errors as ReplyError, transport failures with a
// stable `code`, commands the REST API cannot run refused locally, objects refused as arguments,
// and the 'error' event.
const { env, uniqueKey } = require('../support')
const { startDevStack } = require('../../lib/dev-stack')
const { Redis, clients, rejectionOf, runNode, closedPort, within, useProxyAndOracle } = require('./support/common')

const make = clients()
const { url, token } = env()

const { proxy, oracle } = useProxyAndOracle()

describe('ReplyError', () => {
  test("a Redis error reply rejects with a ReplyError carrying Redis's own text", async () => {
    const client = make({ url, token })
    const key = uniqueKey('wrongtype')
    await client.set(key, 'string')
    const error = await rejectionOf(client.lpush(key, 'x'))
    expect(error).toBeInstanceOf(Redis.ReplyError)
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('ReplyError')
    expect(error.message).toBe('WRONGTYPE Operation against a key holding the wrong kind of value')
    expect(error.command).toEqual({ name: 'lpush', args: [key, 'x'] })
  })

  test('inside a pipeline only the failing slot holds the ReplyError', async () => {
    const client = make({ url, token })
    const key = uniqueKey('wrongtype-pipeline')
    const results = await client.pipeline().set(key, 'a').incr(key).get(key).exec()
    expect(results[0]).toEqual([null, 'OK'])
    expect(results[1][0]).toBeInstanceOf(Redis.ReplyError)
    expect(results[1][0].message).toBe('ERR value is not an integer or out of range')
    expect(results[2]).toEqual([null, 'a'])
  })

  test('a Redis error does not emit the client-level error event', async () => {
    const client = make({ url, token })
    const emitted = []
    client.on('error', (e) => emitted.push(e))
    const key = uniqueKey('wrongtype-event')
    await client.set(key, 'x')
    await rejectionOf(client.incr(key))
    expect(emitted).toEqual([])
  })
})

describe('transport failures', () => {
  test('a wrong token → EUNAUTHORIZED saying the token was rejected, never containing it', async () => {
    const wrong = `${token}-but-wrong-${uniqueKey('tok')}`
    const client = make({ url, token: wrong })
    const error = await rejectionOf(client.get(uniqueKey('unauthorized')))
    expect(error.code).toBe('EUNAUTHORIZED')
    expect(error.message).toMatch(/token was rejected/i)
    for (const text of [error.message, String(error.stack)]) {
      expect(text).not.toContain(wrong)
      expect(text).not.toContain(token)
    }
  })

  test('a 502 from the endpoint → EHTTP_502, for a read and for a write', async () => {
    proxy().mode = { status: 502, body: '<html>Bad Gateway</html>', contentType: 'text/html' }
    const client = make({ url: proxy().url, token, retryStrategy: () => 1 })
    const key = uniqueKey('502')
    const read = await rejectionOf(client.get(key))
    const write = await rejectionOf(client.set(key, 'v'))
    for (const error of [read, write]) {
      expect(error.code).toBe('EHTTP_502')
      expect(error.message).toMatch(/502/)
    }
    // A write may have been applied behind a 502: it is never re-sent.
    expect(proxy().requests.filter((r) => r.body.includes(key) && r.body.includes('"set"'))).toHaveLength(1)
  })

  test.each([
    ['a command', (client, key) => client.get(key)],
    ['a transaction', (client, key) => client.multi().set(key, 'v').get(key).exec()],
    ['a binary (path-form) command', (client, key) => client.set(key, Buffer.from([0xff, 0xfe, 0x00]))],
  ])('a non-JSON 200 answer to %s → EPROTOCOL with a clear message', async (_, send) => {
    proxy().mode = { status: 200, body: '<html>captive portal</html>', contentType: 'text/html' }
    const client = make({ url: proxy().url, token })
    const key = uniqueKey('garbage')
    const error = await rejectionOf(send(client, key))
    expect(error.code).toBe('EPROTOCOL')
    expect(error.message).toMatch(/unexpected response/i)
    expect(proxy().requestsFor(key).length).toBeGreaterThan(0) // it did go through the proxy
  })

  describe('endpoint down (private dev stack)', () => {
    let stack
    beforeAll(async () => {
      stack = await startDevStack()
    }, 30000)
    afterAll(() => stack && stack.stop())

    test('→ ECONNREFUSED; the same client recovers once the gateway is back on the same URL', async () => {
      const client = make({ url: stack.url, token: stack.token })
      const key = uniqueKey('down')
      expect(await client.set(key, 'before')).toBe('OK')
      await stack.stopGateway()
      try {
        for (const error of [await rejectionOf(client.get(key)), await rejectionOf(client.set(key, 'x'))]) {
          expect(error.code).toBe('ECONNREFUSED')
          expect(error.message).toMatch(/cannot connect/i)
          expect(error.message).not.toContain(stack.token)
        }
      } finally {
        await stack.startGateway()
      }
      expect(await client.get(key)).toBe('before')
      expect(await client.set(key, 'after')).toBe('OK')
      expect(await client.get(key)).toBe('after')
    }, 30000)
  })
})

describe("the 'error' event", () => {
  test('is emitted with the transport error when a listener exists', async () => {
    const client = make({ url: `http://127.0.0.1:${await closedPort()}`, token, maxRetriesPerRequest: 0 })
    const emitted = new Promise((resolve) => client.once('error', resolve))
    const rejected = await rejectionOf(client.get(uniqueKey('event')))
    const error = await within(emitted, 2000, "'error' event")
    expect(error.code).toBe('ECONNREFUSED')
    expect(rejected.code).toBe('ECONNREFUSED')
  })

  test('is emitted for HTTP failures too (EHTTP_502)', async () => {
    proxy().mode = { status: 502 }
    const client = make({ url: proxy().url, token, maxRetriesPerRequest: 0 })
    const emitted = new Promise((resolve) => client.once('error', resolve))
    await rejectionOf(client.set(uniqueKey('event-502'), 'v'))
    expect((await within(emitted, 2000, "'error' event")).code).toBe('EHTTP_502')
  })

  test('without a listener, a transport failure does not crash the process', async () => {
    const port = await closedPort()
    const result = await runNode(
      `
      const client = new Redis({ url: 'http://127.0.0.1:${port}', token: 't', maxRetriesPerRequest: 0 });
      client.get('k').catch((error) => console.log('rejected', error.code));
      setTimeout(() => console.log('alive'), 300);
    `,
      { timeoutMs: 10000 },
    )
    expect(result).toMatchObject({ timedOut: false, code: 0, stdout: 'rejected ECONNREFUSED\nalive\n', stderr: '' })
  })
})

describe('commands the REST API cannot run', () => {
  // [label, call, name the message must contain, the alternative it must point to]
  const REFUSED = [
    ['blpop', (c, k) => c.blpop(k, 0), 'BLPOP', /non-blocking form|LPOP/],
    ['brpop', (c, k) => c.brpop(k, 0), 'BRPOP', /non-blocking form|RPOP/],
    ['bzpopmin', (c, k) => c.bzpopmin(k, 0), 'BZPOPMIN', /non-blocking form|ZPOPMIN/],
    ['xread with BLOCK', (c, k) => c.xread('BLOCK', 0, 'STREAMS', k, '$'), 'XREAD', /without BLOCK/],
    [
      'xreadgroup with BLOCK',
      (c, k) => c.xreadgroup('GROUP', 'g', 'c', 'BLOCK', 10, 'STREAMS', k, '>'),
      'XREADGROUP',
      /without BLOCK/,
    ],
    ['select', (c) => c.select(1), 'SELECT', /database|URL|keyPrefix/i],
    ['watch', (c, k) => c.watch(k), 'WATCH', /multi\(\)|\/multi-exec/],
    ["call('multi')", (c) => c.call('multi'), 'MULTI', /multi\(\)|\/multi-exec/],
    ["call('subscribe')", (c, k) => c.call('subscribe', k), 'SUBSCRIBE', /Server-Sent Events|\/subscribe/],
    ["call('BLPOP') in upper case", (c, k) => c.call('BLPOP', k, 0), 'BLPOP', /non-blocking form|LPOP/],
    ['client list', (c) => c.client('LIST'), 'CLIENT', /REST API/],
  ]

  test.each(REFUSED)(
    '%s rejects at once, naming the command and the alternative; nothing is sent',
    async (_, send, name, alternative) => {
      const client = make({ url: proxy().url, token })
      const key = uniqueKey('refused')
      await oracle().rpush(key, 'still-here') // a blocking pop that reached redis would take it
      const before = proxy().requests.length
      const started = Date.now()
      const error = await within(rejectionOf(send(client, key)), 1000, 'refusal')
      expect(Date.now() - started).toBeLessThan(200)
      expect(error.name).toBe('RestrictedCommandError')
      expect(error).toBeInstanceOf(Redis.RestrictedCommandError)
      expect(error.message).toContain(name)
      expect(error.message).toMatch(alternative)
      expect(proxy().requests.length).toBe(before)
      expect(await oracle().lrange(key, 0, -1)).toEqual(['still-here'])
    },
  )

  test('xread without BLOCK is allowed', async () => {
    const client = make({ url, token })
    const key = uniqueKey('xread')
    const id = await client.xadd(key, '*', 'f', 'v')
    expect(await client.xread('COUNT', 1, 'STREAMS', key, '0')).toEqual([[key, [[id, ['f', 'v']]]]])
  })

  test('in a pipeline the refused slot fails and its neighbours run', async () => {
    const client = make({ url, token })
    const key = uniqueKey('refused-pipeline')
    const results = await client.pipeline().set(key, 'v').blpop(key, 0).get(key).exec()
    expect(results[0]).toEqual([null, 'OK'])
    expect(results[1][0].name).toBe('RestrictedCommandError')
    expect(results[2]).toEqual([null, 'v'])
  })

  test('in multi() a refused command rejects the transaction and nothing runs', async () => {
    const client = make({ url: proxy().url, token })
    const key = uniqueKey('refused-multi')
    const error = await rejectionOf(client.multi().set(key, 'v').watch(key).exec())
    expect(error.message).toContain('WATCH')
    expect(proxy().requestsFor(key)).toEqual([])
    expect(await oracle().exists(key)).toBe(0)
  })
})

describe('objects as arguments', () => {
  test.each([
    ['set(key, {})', (c, k) => c.set(k, { a: 1 })],
    ['set(key, nested array)', (c, k) => c.set(k, [['a']])],
    ['set(key, Map)', (c, k) => c.set(k, new Map([['a', 1]]))],
    ['hset(key, field, {})', (c, k) => c.hset(k, 'f', { a: 1 })],
    ['hset(key, { f: {} })', (c, k) => c.hset(k, { f: { nested: true } })],
    ['rpush(key, v, {})', (c, k) => c.rpush(k, 'ok', { a: 1 })],
    ["call('SET', key, {})", (c, k) => c.call('SET', k, { a: 1 })],
  ])('%s → TypeError, nothing stored', async (_, send) => {
    const client = make({ url: proxy().url, token })
    const key = uniqueKey('object-arg')
    const error = await rejectionOf(send(client, key))
    expect(error).toBeInstanceOf(TypeError)
    expect(error.message).toMatch(/object|array|Map/)
    expect(proxy().requestsFor(key)).toEqual([])
    expect(await oracle().exists(key)).toBe(0)
  })

  test('in a pipeline: that slot is a TypeError, nothing of it is stored', async () => {
    const client = make({ url, token })
    const key = uniqueKey('object-arg-pipeline')
    const results = await client.pipeline().set(`${key}:ok`, 'v').set(key, { a: 1 }).exec()
    expect(results[0]).toEqual([null, 'OK'])
    expect(results[1][0]).toBeInstanceOf(TypeError)
    expect(await oracle().exists(key)).toBe(0)
  })

  test('in multi(): the whole transaction is refused, nothing is stored', async () => {
    const client = make({ url, token })
    const key = uniqueKey('object-arg-multi')
    const error = await rejectionOf(client.multi().set(`${key}:ok`, 'v').set(key, { a: 1 }).exec())
    expect(error).toBeInstanceOf(TypeError)
    expect(await oracle().exists(key, `${key}:ok`)).toBe(0)
  })

  test('the ioredis object forms that have a meaning still work (hset(key, {f: v}), mset({k: v}))', async () => {
    const client = make({ url, token })
    const key = uniqueKey('object-form')
    expect(await client.hset(key, { f1: 'a', f2: 2 })).toBe(2)
    expect(await oracle().hgetall(key)).toEqual({ f1: 'a', f2: '2' })
    expect(await client.mset({ [`${key}:a`]: '1', [`${key}:b`]: '2' })).toBe('OK')
    expect(await oracle().mget(`${key}:a`, `${key}:b`)).toEqual(['1', '2'])
  })
})

describe('one error model', () => {
  const fs = require('node:fs')
  const path = require('node:path')
  const { ROOT } = require('./support/common')

  /** The string literals of `type TransportErrorCode = …` in index.d.ts. */
  function declaredCodes() {
    const dts = fs.readFileSync(path.join(ROOT, 'index.d.ts'), 'utf8')
    const union = dts.match(/type TransportErrorCode =([\s\S]*?)\n\n/)[1]
    return [...union.matchAll(/\| '([A-Z_0-9]+)'/g)].map((m) => m[1])
  }

  test('every error class shares one base, RedisError, and keeps its ioredis name', () => {
    const classes = [
      'ReplyError',
      'TransportError',
      'TimeoutError',
      'ClosedError',
      'QueueFullError',
      'RestrictedCommandError',
      'ConfigError',
      'InternalError',
    ]
    for (const name of classes) {
      expect(typeof Redis[name]).toBe('function')
      expect(Redis[name].prototype).toBeInstanceOf(Redis.RedisError)
      expect(Redis[name].prototype).toBeInstanceOf(Error)
    }
    expect(Redis.TimeoutError.prototype).toBeInstanceOf(Redis.TransportError)
    expect(new Redis.ReplyError('ERR x').name).toBe('ReplyError')
  })

  test('the code list comes from the native core, and index.d.ts declares exactly that list', () => {
    expect(Array.isArray(Redis.errorCodes)).toBe(true)
    expect(Redis.errorCodes).toEqual(
      expect.arrayContaining(['ECONNREFUSED', 'ECONNECT', 'EPROTOCOL', 'ERR_INVALID_CONFIG', 'ETIMEDOUT', 'ECLOSED']),
    )
    expect([...declaredCodes()].sort()).toEqual([...Redis.errorCodes].sort())
    expect(fs.readFileSync(path.join(ROOT, 'index.d.ts'), 'utf8')).toMatch(/\| `EHTTP_\$\{number\}`/)
  })

  test('every code maps to exactly one class, and errors built from it carry that code', () => {
    for (const code of Redis.errorCodes) {
      const error = Redis.errorFromCode(code, `message for ${code}`)
      expect(error).toBeInstanceOf(Redis.RedisError)
      expect(error.code).toBe(code)
    }
    expect(Redis.errorFromCode('EHTTP_503', 'x')).toBeInstanceOf(Redis.TransportError)
    expect(Redis.errorFromCode('ETIMEDOUT_MAYBE_APPLIED', 'x')).toBeInstanceOf(Redis.TimeoutError)
  })

  test('a native configuration error is a ConfigError with a real code, no "[CODE]" in the message', () => {
    let error
    try {
      make({ url, token: 'bad\u0001token' })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(Redis.ConfigError)
    expect(error).toBeInstanceOf(Redis.RedisError)
    expect(error.code).toBe('ERR_INVALID_CONFIG')
    expect(error.message).not.toMatch(/^\[/)
    expect(error.message).toMatch(/token/)
    expect(error.message).not.toContain('bad\u0001token')
  })

  test('transport failures are TransportError instances of this realm, with the command attached', async () => {
    proxy().mode = { status: 502 }
    const client = make({ url: proxy().url, token, maxRetriesPerRequest: 0 })
    const key = uniqueKey('realm')
    const error = await rejectionOf(client.set(key, 'v'))
    expect(error).toBeInstanceOf(Redis.TransportError)
    expect(error).toBeInstanceOf(Redis.RedisError)
    expect(error.name).toBe('TransportError')
    expect(error.command).toEqual({ name: 'set', args: [key, 'v'] })
  })

  test('"closed" is one ClosedError with ioredis\'s text, before and after commands were pending', async () => {
    const client = make({ url, token })
    const pending = client.get(uniqueKey('closed'))
    client.disconnect()
    const errors = [await rejectionOf(pending), await rejectionOf(client.get(uniqueKey('closed')))]
    for (const error of errors) {
      expect(error).toBeInstanceOf(Redis.ClosedError)
      expect(error.code).toBe('ECLOSED')
      expect(error.message).toBe('Connection is closed.')
    }
  })

  test('a Rust panic in a native call becomes an InternalError (EINTERNAL), never an abort', async () => {
    const result = await runNode(
      `
      const native = require(${JSON.stringify(path.join(ROOT, 'lib/native.js'))});
      const { fromNative } = require(${JSON.stringify(path.join(ROOT, 'lib/errors.js'))});
      for (let i = 0; i < 2; i++) {
        try { native.__panicForTests(); console.log('no error') }
        catch (e) { const error = fromNative(e); console.log(error.name, error.code, error instanceof Redis.RedisError) }
      }
      console.log('alive')
    `,
      { timeoutMs: 10000 },
    )
    expect(result).toMatchObject({ timedOut: false, code: 0, signal: null })
    expect(result.stdout).toBe('InternalError EINTERNAL true\nInternalError EINTERNAL true\nalive\n')
  })
})

describe('neverSent(): one owner for "this command provably never reached the server"', () => {
  test('refused or failed connections, a timeout before sending and the queue cap are never-sent; the rest may have run', () => {
    const never = ['ECONNREFUSED', 'ECONNECT', 'ETIMEDOUT', 'EQUEUEFULL']
    const maybe = ['ETIMEDOUT_MAYBE_APPLIED', 'ECONNRESET', 'EPROTOCOL', 'EUNAUTHORIZED', 'EHTTP_502', 'ECLOSED']
    const { neverSent } = require('../../lib/errors.js')
    for (const code of never) expect([code, neverSent(Redis.errorFromCode(code, 'x'))]).toEqual([code, true])
    for (const code of maybe) expect([code, neverSent(Redis.errorFromCode(code, 'x'))]).toEqual([code, false])
    // Only errors of this package: a look-alike code on a foreign error proves nothing.
    expect(neverSent(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(false)
  })
})
