'use strict'
// The REST token: never shown by inspecting, logging or JSON-encoding a client or its options,
// nor in errors and 'error' events; carried by duplicate(); and never sent in clear text to
// another machine (http:// is for this machine only, unless allowInsecureHttp says otherwise).
const util = require('node:util')
const { env, uniqueKey } = require('../support')
const { clients, rejectionOf, runNodeWith, expectExitedCleanly } = require('./support/common')

const VARS = ['UPSTASH_REDIS_REST_URL', 'UPSTASH_REDIS_REST_TOKEN', 'KV_REST_API_URL', 'KV_REST_API_TOKEN']
const make = clients()
const { url, token } = env()

// Without the variables, a client knows the token only from its own options.
let saved
beforeEach(() => {
  saved = Object.fromEntries(VARS.map((name) => [name, process.env[name]]))
  for (const name of VARS) delete process.env[name]
})
afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
})

/** Every rendering of `value` a log line or an error report might use. */
function renderings(value) {
  const out = [
    util.inspect(value),
    util.inspect(value, { showHidden: true, depth: Infinity }),
    util.format('%o', value),
    util.format('%O', value),
  ]
  try {
    out.push(JSON.stringify(value))
  } catch {
    // a client is circular (timers); its options are checked on their own
  }
  return out
}

describe('the token is never shown', () => {
  test('util.inspect / console formats / JSON of the client and of client.options', async () => {
    const client = make({ url, token })
    await client.ping() // a used client holds its native parts and state too
    for (const text of [...renderings(client), ...renderings(client.options)]) expect(text).not.toContain(token)
    expect(JSON.parse(JSON.stringify(client.options)).url).toBe(url.replace(/\/+$/, ''))
    expect({ ...client.options }.token).toBeUndefined()
    expect(Object.keys(client.options)).not.toContain('token')
    expect(client.options.token).toBe(token) // still readable on purpose
  })

  test('duplicate() carries the token (no variables set) and hides it the same way', async () => {
    const client = make({ url, token })
    const copy = client.duplicate({ keyPrefix: 'dup:' })
    try {
      const key = uniqueKey('secret-dup')
      expect(await copy.set(key, 'v')).toBe('OK')
      expect(await client.get(`dup:${key}`)).toBe('v')
      for (const text of renderings(copy.options)) expect(text).not.toContain(token)
    } finally {
      copy.disconnect()
    }
  })

  test("errors and 'error' events of a rejected token do not contain it", async () => {
    const wrong = 'wrong-token-that-must-not-appear-anywhere'
    const client = make({ url, token: wrong })
    const events = []
    client.on('error', (error) => events.push(error))
    const error = await rejectionOf(client.get(uniqueKey('secret')))
    expect(error.code).toBe('EUNAUTHORIZED')
    for (const seen of [error, ...events]) {
      for (const text of [seen.message, seen.stack, util.inspect(seen, { depth: Infinity })]) {
        expect(text).not.toContain(wrong)
      }
    }
  })

  test('construction errors never echo the token, nor credentials written into the URL', () => {
    const errors = []
    for (const build of [
      () => make({ url: 'redis://127.0.0.1:6379', token }),
      () => make({ url: `https://default:${token}@eu1-example.upstash.io`, token }),
      () => make({ url: `https://eu1-example.upstash.io/?_token=${token}`, token }),
      () => make({ url: 'http://example.com', token }),
      () => make({ url, token, commandTimeout: -1 }),
      () => make({ url, token: `${token}\nsecond line` }),
    ]) {
      try {
        build()
      } catch (error) {
        errors.push(error)
      }
    }
    expect(errors).toHaveLength(6)
    expect(errors[1].message).toMatch(/must not carry credentials/)
    for (const error of errors) {
      expect(error.message).not.toContain(token)
      expect(String(error.stack)).not.toContain(token)
    }
  })

  test('a logged client in a child process prints no token', async () => {
    const result = await runNodeWith(
      { url, token },
      `const redis = new Redis({ url, token })
       redis.ping().then(() => { console.log(redis); console.log(redis.options); console.log(JSON.stringify(redis.options)); return redis.quit() })`,
    )
    expect(expectExitedCleanly(result).stdout).toContain('options')
    expect(result.stdout).not.toContain(token)
  })
})

describe('http:// only to this machine', () => {
  test.each([
    'http://example.com',
    'http://eu1-example.upstash.io',
    'http://10.0.0.5:8079',
    'http://192.168.1.20:8079',
    'http://gateway:8079',
    'http://[2001:db8::1]:8079',
    'http://127.0.0.1.example.com',
    'http://localhost.example.com',
  ])('%s is refused at construction, naming https:// and allowInsecureHttp', (target) => {
    let error
    try {
      make({ url: target, token })
    } catch (thrown) {
      error = thrown
    }
    expect(error).toBeInstanceOf(Error)
    expect(error.message).toContain('https://')
    expect(error.message).toContain('allowInsecureHttp')
    expect(error.message).toMatch(/clear text/)
  })

  test('the same refusal for a URL from the environment', () => {
    Object.assign(process.env, { UPSTASH_REDIS_REST_URL: 'http://example.com', UPSTASH_REDIS_REST_TOKEN: token })
    expect(() => make()).toThrow(/allowInsecureHttp/)
  })

  test.each([
    'http://127.0.0.1:8079',
    'http://127.8.9.10:8079',
    'http://localhost:8079',
    'http://LOCALHOST:8079',
    'http://[::1]:8079',
    'https://example.com',
    'https://eu1-example.upstash.io',
  ])('%s is accepted', (target) => {
    expect(make({ url: target, token, lazyConnect: true }).options.url).toBe(target)
  })

  test('allowInsecureHttp: true accepts a remote http:// URL (and the loopback gateway still works)', async () => {
    expect(() => make({ url: 'http://gateway:8079', token, allowInsecureHttp: true, lazyConnect: true })).not.toThrow()
    const local = make({ url, token, allowInsecureHttp: true })
    expect(await local.ping()).toBe('PONG')
  })
})
