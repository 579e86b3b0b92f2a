'use strict'
// Constructor options: every value that would silently mean something else is refused at
// construction naming the option; null/undefined mean the default; the accepted values reach the
// transport as they were meant (0 = no timeout, never a 1 ms one). ioredis 6 is the oracle where
// it has the option.
const IORedis = require('ioredis')
const { env, uniqueKey } = require('../support')
const { clients, rejectionOf } = require('./support/common')
const fs = require('node:fs')
const path = require('node:path')
const { resolveOptions, nativeOptions, DEFAULTS, TRANSPORT_DEFAULTS } = require('../../lib/options')

const make = clients()
const { url, token, redisUrl } = env()

/** What the native transport would be given for these options. */
const transportFor = (options) => nativeOptions(resolveOptions([{ url, token, ...options }]))

/** Spends `ms` inside Redis (a busy Lua loop), so a command takes at least that long. */
const SLOW_SCRIPT = `
  local t = redis.call('TIME'); local start = t[1] * 1000000 + t[2]
  repeat t = redis.call('TIME') until t[1] * 1000000 + t[2] - start >= tonumber(ARGV[1]) * 1000
  return 1`

describe('commandTimeout', () => {
  test('0 means no timeout: a 50 ms command succeeds (it used to become a 1 ms request timeout)', async () => {
    const client = make({ url, token, commandTimeout: 0 })
    for (let i = 0; i < 3; i++) expect(await client.eval(SLOW_SCRIPT, 0, 50)).toBe(1)
    // Each attempt keeps the transport's bound, never a 1 ms one.
    expect(transportFor({ commandTimeout: 0 }).requestTimeoutMs).toBe(TRANSPORT_DEFAULTS.requestTimeoutMs)
  })

  test('null and undefined mean no timeout as well; a positive value is whole milliseconds, rounded up', () => {
    expect(transportFor({ commandTimeout: null }).requestTimeoutMs).toBe(TRANSPORT_DEFAULTS.requestTimeoutMs)
    expect(transportFor({ commandTimeout: undefined }).requestTimeoutMs).toBe(TRANSPORT_DEFAULTS.requestTimeoutMs)
    expect(transportFor({ commandTimeout: 250 }).requestTimeoutMs).toBe(250)
    expect(transportFor({ commandTimeout: 0.5 }).requestTimeoutMs).toBe(1)
  })

  test('a positive timeout still fires', async () => {
    const client = make({ url, token, commandTimeout: 20 })
    const error = await rejectionOf(client.eval(SLOW_SCRIPT, 0, 300))
    // It had been sent when the deadline passed, so it may have run.
    expect(error.name).toBe('TimeoutError')
    expect(error.code).toBe('ETIMEDOUT_MAYBE_APPLIED')
  })

  // The designed difference, measured: ioredis 6.0.0 arms setTimeout(0) for commandTimeout: 0, so
  // every command times out at once. 0 as "off" is the convention the option's users expect.
  test('oracle: ioredis 6 with commandTimeout: 0 times commands out at once', async () => {
    const oracle = new IORedis(redisUrl, {
      commandTimeout: 0,
      enableReadyCheck: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    })
    oracle.on('error', () => {}) // its own handshake commands time out too
    try {
      expect((await rejectionOf(oracle.eval(SLOW_SCRIPT, 0, 20))).message).toBe('Command timed out')
    } finally {
      oracle.disconnect()
    }
  })
})

describe('every option: values that would mean something else are refused at construction', () => {
  const BAD = {
    commandTimeout: [-1, NaN, Infinity, 2 ** 31, '100', true],
    maxRetriesPerRequest: [-1, 1.5, NaN, Infinity, '3', true],
    retryStrategy: [5, 'exponential', {}],
    lazyConnect: ['false', 0, 1],
    enableAutoPipelining: [0, 'no'],
    readYourWrites: [0, 'false'],
    allowInsecureHttp: ['yes', 1],
    stringNumbers: ['true', 1],
    responseEncoding: [false, 'json', 'resp3', 'BASE64'],
    maxBatchCommands: [0, -1, 1.5, NaN, Infinity, '10'],
    maxBatchBytes: [0, NaN, '1mb', 2 ** 32],
    poolSize: [-1, 1.5, NaN, '16'],
    keyPrefix: [5, {}, 'a\ud800'],
    db: [1, 15, '0'],
    host: ['cache.internal'],
    port: [6379],
    path: ['/tmp/redis.sock'],
    sentinels: [[{ host: 'x', port: 26379 }]],
    tls: [5, 'x', { rejectUnauthorized: false }, { cert: 'x' }, { ca: 5 }],
  }
  const cases = Object.entries(BAD).flatMap(([option, values]) => values.map((value) => [option, value]))

  test.each(cases)('%s: %p', (option, value) => {
    let error
    try {
      make({ url, token, lazyConnect: true, [option]: value })
    } catch (thrown) {
      error = thrown
    }
    expect(error).toBeDefined()
    expect([TypeError, RangeError]).toContain(error.constructor)
    expect(error.message).toContain(option)
    expect(error.message).not.toContain(token)
  })

  test('tls: { ca } with an http:// URL is refused at construction, lazyConnect or not', () => {
    expect(() => make({ url, token, lazyConnect: true, tls: { ca: 'x' } })).toThrow(/needs an https:\/\/ URL/)
  })

  test('url and token must be strings (a URL object is taken for url)', async () => {
    expect(() => make({ url: 42, token })).toThrow(/url must be a string/)
    expect(() => make({ url, token: 42 })).toThrow(/token must be a string/)
    const client = make({ url: new URL(url), token })
    expect(await client.set(uniqueKey('opt-url'), 'v')).toBe('OK')
  })

  test('null and undefined give every option its default', () => {
    for (const blank of [null, undefined]) {
      const options = resolveOptions([
        { url, token, ...Object.fromEntries(Object.keys(DEFAULTS).map((name) => [name, blank])) },
      ])
      const expected = { ...DEFAULTS, ...(blank === null ? { maxRetriesPerRequest: null, retryStrategy: null } : {}) }
      for (const [name, value] of Object.entries(expected)) expect([name, options[name]]).toEqual([name, value])
    }
  })

  test('the accepted edge values mean what they say', () => {
    expect(transportFor({ maxRetriesPerRequest: 0 }).maxRetries).toBe(0)
    expect(transportFor({ maxRetriesPerRequest: null }).maxRetries).toBe(10) // ioredis: no limit; capped
    expect(transportFor({ poolSize: 0 }).poolSize).toBe(0) // keep no idle connection
    expect(transportFor({ readYourWrites: false }).readYourWrites).toBe(false)
    expect(transportFor({ responseEncoding: 'resp2' }).responseEncoding).toBe('resp2')
    expect(() => make({ url, token, db: 0, lazyConnect: true })).not.toThrow()
  })

  test('retryStrategy delays are clamped to what a timer can wait: none negative, none wrapped', () => {
    const strategy = (values) => (times) => values[times === 1 ? 0 : 1]
    expect(transportFor({ retryStrategy: strategy([5e9, 5e9]) })).toMatchObject({
      retryBaseMs: 2 ** 31 - 1,
      retryCapMs: 2 ** 31 - 1,
    })
    expect(transportFor({ retryStrategy: strategy([-5, NaN]) })).toMatchObject({ retryBaseMs: 0, retryCapMs: 0 })
    expect(transportFor({ retryStrategy: strategy([100, 50]) })).toMatchObject({ retryBaseMs: 100, retryCapMs: 100 })
    expect(transportFor({ retryStrategy: () => null }).maxRetries).toBe(0) // ioredis: stop retrying
    expect(transportFor({ retryStrategy: null }).maxRetries).toBe(0) // ioredis: never reconnect
    expect(transportFor({ retryStrategy: undefined }).maxRetries).toBe(DEFAULTS.maxRetriesPerRequest)
  })

  test('options that are not ioredis-or-client options are ignored, as ioredis does', async () => {
    const client = make({ url, token, enableReadyCheck: false, connectionName: 'x', family: 4 })
    expect(await client.set(uniqueKey('opt-unknown'), 'v')).toBe('OK')
  })
})

describe('the options the native transport gets: every value from here, none from a Rust default', () => {
  /** The binding's `NativeClientOptions` as napi-rs generated it: each field's name and whether it is optional. */
  function bindingFields() {
    const dts = fs.readFileSync(path.join(__dirname, '..', '..', 'binding.d.ts'), 'utf8')
    const body = /export interface NativeClientOptions \{([\s\S]*?)\n\}/.exec(dts)[1].replace(/\/\*\*[\s\S]*?\*\//g, '')
    return [...body.matchAll(/^\s*(\w+)(\??):/gm)].map(([, name, optional]) => ({ name, optional: optional === '?' }))
  }

  // Absence is a value of its own here: no `tls: { ca }` means the built-in roots.
  const MAY_BE_ABSENT = ['tlsCa']

  test('the binding requires every field but tlsCa, so nothing falls back to a default kept in Rust', () => {
    const fields = bindingFields()
    expect(fields.map((f) => f.name)).toContain('poolSize')
    expect(fields.filter((f) => f.optional).map((f) => f.name)).toEqual(MAY_BE_ABSENT)
  })

  test.each([
    ['the defaults', {}],
    ['commandTimeout: 0', { commandTimeout: 0 }],
    ['commandTimeout: 250', { commandTimeout: 250 }],
    ['retryStrategy: null', { retryStrategy: null }],
    ['retryStrategy returning null', { retryStrategy: () => null }],
    ['maxRetriesPerRequest: null', { maxRetriesPerRequest: null }],
  ])('with %s, nativeOptions() gives every field of NativeClientOptions a value', (_, options) => {
    const transport = transportFor(options)
    const fields = bindingFields().map((f) => f.name)
    expect(Object.keys(transport).sort()).toEqual([...fields].sort())
    for (const name of fields.filter((f) => !MAY_BE_ABSENT.includes(f)))
      expect([name, transport[name]]).not.toEqual([name, undefined])
  })

  test("the defaults reach the transport as this file's values (poolSize 64, not the transport's old 16)", () => {
    expect(transportFor({})).toMatchObject({
      poolSize: DEFAULTS.poolSize,
      maxRetries: DEFAULTS.maxRetriesPerRequest,
      requestTimeoutMs: TRANSPORT_DEFAULTS.requestTimeoutMs,
      retryBaseMs: TRANSPORT_DEFAULTS.retryBaseMs,
      retryCapMs: TRANSPORT_DEFAULTS.retryCapMs,
    })
    expect(DEFAULTS.poolSize).toBe(64)
  })

  test('the binding refuses options that lack a field, rather than filling it from a default of its own', () => {
    const native = require('../../lib/native.js')
    const complete = transportFor({})
    const build = (options) => {
      const client = new native.NativeClient(options, () => {})
      client.close()
    }
    expect(() => build(complete)).not.toThrow()
    for (const name of bindingFields()
      .map((f) => f.name)
      .filter((f) => !MAY_BE_ABSENT.includes(f))) {
      const { [name]: _, ...lacking } = complete
      let error
      try {
        build(lacking)
      } catch (thrown) {
        error = thrown
      }
      expect([name, error?.message]).toEqual([name, expect.stringContaining(name)])
    }
  })

  test('a responseEncoding this file never passes is an internal error at the binding, not a user-facing one', () => {
    const native = require('../../lib/native.js')
    const error = (() => {
      try {
        new native.NativeClient({ ...transportFor({}), responseEncoding: 'json' }, () => {}).close()
      } catch (thrown) {
        return thrown
      }
    })()
    expect(error?.code).toBe('EINTERNAL')
  })

  test('the URL reaches the transport without surrounding white space or trailing slashes, the token trimmed', () => {
    const base = url.replace(/\/+$/, '')
    for (const given of [`  ${base}//\n`, `${base}/`, `\t${base}`, new URL(base)]) {
      const transport = nativeOptions(resolveOptions([{ url: given, token: ` ${token}\n` }]))
      expect([String(given), transport.url, transport.token]).toEqual([String(given), base, token])
    }
    const fromEnv = nativeOptions(
      resolveOptions([], { UPSTASH_REDIS_REST_URL: ` ${base}/ `, UPSTASH_REDIS_REST_TOKEN: `\t${token} ` }),
    )
    expect([fromEnv.url, fromEnv.token]).toEqual([base, token])
  })
})

describe('readYourWritesSyncToken', () => {
  test.each([
    ['a line break', 'abc\ndef'],
    ['a NUL byte', 'abc\0'],
    ['non-ASCII text', 'tök€n'],
  ])('a value with %s is refused on set, and the client keeps working', async (_, bad) => {
    const client = make({ url, token })
    const key = uniqueKey('rywt')
    expect(() => {
      client.readYourWritesSyncToken = bad
    }).toThrow(/readYourWritesSyncToken must be printable ASCII/)
    expect(await client.set(key, 'v')).toBe('OK')
    expect(await client.get(key)).toBe('v')
  })

  test.each([[123], [undefined], [null], [{}]])('%p is refused on set (no "undefined" token sent)', async (bad) => {
    const client = make({ url, token })
    expect(() => {
      client.readYourWritesSyncToken = bad
    }).toThrow(TypeError)
    expect(await client.ping()).toBe('PONG')
  })

  test("another client's token is taken, and both keep working", async () => {
    const [writer, reader] = [make({ url, token }), make({ url, token })]
    const key = uniqueKey('rywt')
    await writer.set(key, 'written')
    expect(writer.readYourWritesSyncToken).not.toBe('')
    reader.readYourWritesSyncToken = writer.readYourWritesSyncToken
    expect(reader.readYourWritesSyncToken).toBe(writer.readYourWritesSyncToken)
    expect(await reader.get(key)).toBe('written')
    reader.readYourWritesSyncToken = ''
    expect(await reader.get(key)).toBe('written')
  })
})

describe('ioredis reply options: replyMapping, protocol, scripts, showFriendlyErrorStack', () => {
  test('defaults are ioredis 6’s: protocol 3, legacy replies', () => {
    const options = resolveOptions([{ url, token }])
    expect([options.protocol, options.replyMapping, options.showFriendlyErrorStack]).toEqual([3, 'legacy', false])
  })

  test("'resp3' with protocol 2 throws ioredis's own error, as ioredis does", () => {
    const message = 'The "resp3" replyMapping is only supported with protocol 3'
    expect(() => new IORedis({ lazyConnect: true, protocol: 2, replyMapping: 'resp3' })).toThrow(message)
    expect(() => resolveOptions([{ url, token, protocol: 2, replyMapping: 'resp3' }])).toThrow(message)
  })

  test.each([
    ['replyMapping', 'RESP3', /replyMapping must be 'legacy'/],
    ['protocol', 4, /protocol must be 2 or 3/],
    ['scripts', 'return 1', /scripts must be an object/],
    ['showFriendlyErrorStack', 1, /showFriendlyErrorStack must be true or false/],
  ])('%s: %p is refused', (name, value, message) => {
    expect(() => resolveOptions([{ url, token, [name]: value }])).toThrow(message)
  })
})
