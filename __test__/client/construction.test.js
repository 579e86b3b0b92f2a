'use strict'
// How a client is built: exports, the argument forms, the environment fallbacks, and the errors
// for a missing or malformed configuration — none of which may ever echo the token.
const { env, uniqueKey } = require('../support')
const { ROOT, Redis, clients, runNode, expectExitedCleanly } = require('./support/common')

const VARS = ['UPSTASH_REDIS_REST_URL', 'UPSTASH_REDIS_REST_TOKEN', 'KV_REST_API_URL', 'KV_REST_API_TOKEN']
const SECRET = 'sekr3t-T0KEN-that-must-never-leak'

const make = clients()
const { url, token } = env()

// Every error this file provokes, checked at the end for the tokens in play.
const provoked = []
function thrownBy(fn) {
  let value
  try {
    value = fn()
  } catch (error) {
    provoked.push(error)
    return error
  }
  throw new Error(`expected it to throw, but it returned ${value?.constructor?.name ?? value}`)
}
async function rejectionOf(promise) {
  try {
    await promise
  } catch (error) {
    provoked.push(error)
    return error
  }
  throw new Error('expected a rejection')
}

// process.env as the test sets it; restored after each test.
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

/** The client really talks to the gateway: a write and a read of a fresh key. */
async function expectWorks(client) {
  const key = uniqueKey('construct')
  expect(await client.set(key, 'v')).toBe('OK')
  expect(await client.get(key)).toBe('v')
}

describe('exports', () => {
  test('module.exports is the Redis class, also as .Redis and .default', () => {
    const exported = require(ROOT)
    expect(typeof exported).toBe('function')
    expect(exported.Redis).toBe(exported)
    expect(exported.default).toBe(exported)
    const client = make({ url, token, lazyConnect: true })
    expect(client).toBeInstanceOf(exported)
    expect(typeof client.on).toBe('function') // an EventEmitter, like ioredis
  })
})

describe('argument forms', () => {
  test('new Redis({ url, token })', async () => {
    await expectWorks(make({ url, token }))
  })

  test('new Redis(url, { token })', async () => {
    await expectWorks(make(url, { token }))
  })

  test('new Redis() reads UPSTASH_REDIS_REST_URL / UPSTASH_REDIS_REST_TOKEN', async () => {
    Object.assign(process.env, { UPSTASH_REDIS_REST_URL: url, UPSTASH_REDIS_REST_TOKEN: token })
    const client = make()
    expect(client.options).toMatchObject({ url: url.replace(/\/+$/, ''), token })
    await expectWorks(client)
  })

  test('Redis.fromEnv() reads the same variables', async () => {
    Object.assign(process.env, { UPSTASH_REDIS_REST_URL: url, UPSTASH_REDIS_REST_TOKEN: token })
    const client = Redis.fromEnv()
    try {
      expect(client).toBeInstanceOf(Redis)
      await expectWorks(client)
    } finally {
      client.disconnect()
    }
  })

  test('falls back to KV_REST_API_URL / KV_REST_API_TOKEN (Vercel KV), for new Redis() and fromEnv()', async () => {
    Object.assign(process.env, { KV_REST_API_URL: url, KV_REST_API_TOKEN: token })
    await expectWorks(make())
    const client = Redis.fromEnv()
    try {
      await expectWorks(client)
    } finally {
      client.disconnect()
    }
  })

  test('UPSTASH_* wins over KV_*', async () => {
    Object.assign(process.env, {
      UPSTASH_REDIS_REST_URL: url,
      UPSTASH_REDIS_REST_TOKEN: token,
      KV_REST_API_URL: 'http://127.0.0.1:1',
      KV_REST_API_TOKEN: SECRET,
    })
    await expectWorks(make())
  })

  test('trailing slashes and surrounding whitespace in the environment are ignored', async () => {
    Object.assign(process.env, { UPSTASH_REDIS_REST_URL: `  ${url}//\n`, UPSTASH_REDIS_REST_TOKEN: `\t${token} \n` })
    const client = make()
    expect(client.options.url).toBe(url.replace(/\/+$/, ''))
    await expectWorks(client)
    await expectWorks(make(`${url}/`, { token: ` ${token}` }))
  })
})

describe('missing configuration: construction succeeds, the first command rejects', () => {
  // `next build` (and any CI step) loads modules that build a client at module level, without
  // secrets; only a command needs them.
  async function expectMissing(client, names) {
    expect(client.status).toBe('wait')
    for (const attempt of [
      () => client.get(uniqueKey('construct')),
      // A pipeline resolves with per-command errors, as in ioredis.
      () =>
        client
          .pipeline()
          .set(uniqueKey('construct'), 'v')
          .exec()
          .then(([[error]]) => Promise.reject(error)),
      () => client.multi().set(uniqueKey('construct'), 'v').exec(),
      () => client.subscribe(uniqueKey('construct')),
      () => client.connect(),
    ]) {
      const error = await rejectionOf(attempt())
      expect(error.code).toBe('ERR_MISSING_CONFIG')
      expect(error).toBeInstanceOf(Redis.ConfigError)
      for (const name of names) expect(error.message).toContain(name)
    }
    // Nothing was sent, nothing changed: the same error every time, and the status stays 'wait'.
    expect(client.status).toBe('wait')
  }

  test.each([
    ['new Redis()', () => new Redis()],
    ['Redis.fromEnv()', () => Redis.fromEnv()],
    ['new Redis({ token })', () => new Redis({ token: SECRET })],
  ])('missing URL: %s builds; commands reject naming both URL variables', async (_, build) => {
    process.env.UPSTASH_REDIS_REST_TOKEN = SECRET
    const client = build()
    await expectMissing(client, ['UPSTASH_REDIS_REST_URL', 'KV_REST_API_URL'])
  })

  test.each([
    ['new Redis()', () => new Redis()],
    ['Redis.fromEnv()', () => Redis.fromEnv()],
    ['new Redis(url)', () => new Redis(url)],
  ])('missing token: %s builds; commands reject naming both token variables', async (_, build) => {
    process.env.UPSTASH_REDIS_REST_URL = url
    await expectMissing(build(), ['UPSTASH_REDIS_REST_TOKEN', 'KV_REST_API_TOKEN'])
  })

  test('both missing: one error names all four variables', async () => {
    await expectMissing(new Redis(), VARS)
    await expectMissing(new Redis({ lazyConnect: true }), VARS)
  })

  test('whitespace-only variables count as missing', async () => {
    Object.assign(process.env, { UPSTASH_REDIS_REST_URL: '   ', UPSTASH_REDIS_REST_TOKEN: SECRET })
    await expectMissing(new Redis(), ['UPSTASH_REDIS_REST_URL'])
    Object.assign(process.env, { UPSTASH_REDIS_REST_URL: url, UPSTASH_REDIS_REST_TOKEN: ' \n' })
    await expectMissing(new Redis(), ['UPSTASH_REDIS_REST_TOKEN'])
  })

  test('a module that builds a client at load time loads and exits cleanly without any variable', async () => {
    const cleared = Object.fromEntries(VARS.map((name) => [name, '']))
    const result = await runNode(
      `const redis = new Redis(); const other = Redis.fromEnv(); console.log(redis.status, typeof redis.get)`,
      { env: cleared },
    )
    expect(expectExitedCleanly(result).stdout.trim()).toBe('wait function')
  })
})

describe('configuration errors', () => {
  // Each must be refused when the client is built, saying what is wrong with the URL — not
  // later as a network error on every command.
  test.each([
    'redis://127.0.0.1:6379',
    'localhost:8079',
    'not a url',
    'http://',
    'http://127.0.0.1:99999',
    'https://host:port',
    'http://exa mple.com',
    'http://[::1',
  ])('invalid URL %j → a clear error at construction', (bad) => {
    const error = thrownBy(() => make({ url: bad, token: SECRET }))
    expect(error).toBeInstanceOf(Error)
    expect(error.message).toMatch(/URL/)
  })

  test('an invalid URL from the environment is reported the same way', () => {
    Object.assign(process.env, { UPSTASH_REDIS_REST_URL: 'redis://127.0.0.1:6379', UPSTASH_REDIS_REST_TOKEN: SECRET })
    expect(thrownBy(() => new Redis()).message).toMatch(/Invalid Upstash REST URL/)
  })

  test('a non-string, non-object argument is a TypeError', () => {
    expect(thrownBy(() => new Redis(42))).toBeInstanceOf(TypeError)
  })

  // A token pasted with an inner line break cannot go into an Authorization header. That must
  // surface as a clear error (at construction or on the first command), not as a misleading
  // "Connection is closed." on every command.
  test('a token that cannot be sent in a header → a clear error naming the token problem', async () => {
    let error
    try {
      const client = make({ url, token: `${SECRET}\nsecond-line` })
      error = await rejectionOf(client.get(uniqueKey('construct')))
    } catch (thrown) {
      provoked.push(thrown)
      error = thrown
    }
    expect(error.message).toMatch(/token/i)
    expect(error.message).not.toBe('Connection is closed.')
  })

  test('the same for a lazyConnect client: refused at construction, not "Connection is closed." later', () => {
    const error = thrownBy(() => make({ url, token: `${SECRET}\nsecond-line`, lazyConnect: true }))
    expect(error).toBeInstanceOf(Redis.ConfigError)
    expect(error.code).toBe('ERR_INVALID_CONFIG')
    expect(error.message).toMatch(/token contains characters that cannot be sent in an HTTP header/)
  })

  test('a wrong token reaches the gateway and is rejected without echoing it', async () => {
    const error = await rejectionOf(make({ url, token: SECRET }).get(uniqueKey('construct')))
    expect(error.code).toBe('EUNAUTHORIZED')
  })
})

// Last on purpose: it inspects everything the tests above provoked.
describe('token secrecy', () => {
  test('no error provoked in this file contains a token', () => {
    expect(provoked.length).toBeGreaterThanOrEqual(15)
    for (const error of provoked) {
      for (const secret of [SECRET, token]) {
        expect(String(error.message)).not.toContain(secret)
        expect(String(error.stack)).not.toContain(secret)
      }
    }
  })
})
