'use strict'
// Request size cap (default 10 MB, Upstash's free plan) answered as Upstash answers it, large
// values below it, the reply cap's text, and disallowed HTTP methods.
const crypto = require('node:crypto')
const { startGateway } = require('../../lib/gateway')
const { env, uniqueKey } = require('../support')
const { send, cmd, expectError, expectResult, BASE64 } = require('./support')

// Upstash's text, word for word (docs: troubleshooting/max_request_size_exceeded).
const tooLarge = (limit, actual) =>
  `ERR max request size exceeded. Limit: ${limit} bytes, Actual: ${actual} bytes. See https://upstash.com/docs/redis/troubleshooting/max_request_size_exceeded for details`

const MB = 1024 * 1024
// Printable, non-repeating content, so a truncated or shifted value cannot compare equal.
const bigString = (bytes) =>
  crypto
    .randomBytes(Math.ceil((bytes * 3) / 4))
    .toString('base64')
    .slice(0, bytes)
const expectServing = async () => expectResult(await cmd(['PING']), 'PONG')

describe('body size limit', () => {
  test("an ~11 MB JSON body → 400 with Upstash's exact text, nothing stored, and the gateway keeps serving", async () => {
    const k = uniqueKey('big-body')
    const body = JSON.stringify(['SET', k, bigString(11 * MB)])
    const res = await send({ body, timeoutMs: 30000 })
    expectError(res, 400)
    expect(res.json.error).toBe(tooLarge(10 * MB, Buffer.byteLength(body)))
    await expectServing()
    expectResult(await cmd(['EXISTS', k]), 0)
  }, 40000)

  test("an ~11 MB raw path-form body → 400, Upstash's text", async () => {
    const k = uniqueKey('big-raw')
    const path = `/set/${encodeURIComponent(k)}`
    const res = await send({ path, body: Buffer.alloc(11 * MB, 0x61), timeoutMs: 30000 })
    expectError(res, 400)
    // The path is part of the path form's command, and of its size.
    expect(res.json.error).toBe(tooLarge(10 * MB, 11 * MB + path.length))
    await expectServing()
    expectResult(await cmd(['EXISTS', k]), 0)
  }, 40000)

  test("an ~11 MB pipeline → 400, Upstash's text", async () => {
    const k = uniqueKey('big-pl')
    const chunk = bigString(MB)
    const rows = Array.from({ length: 11 }, (_, i) => ['SET', `${k}:${i}`, chunk])
    const res = await send({ path: '/pipeline', body: rows, timeoutMs: 30000 })
    expectError(res, 400, /^ERR max request size exceeded\. Limit: 10485760 bytes, Actual: \d+ bytes\. See https:/)
    await expectServing()
    expectResult(await cmd(['EXISTS', `${k}:0`]), 0)
  }, 40000)

  test('a 5 MB value round-trips (plain and base64)', async () => {
    const k = uniqueKey('five-mb')
    const value = bigString(5 * MB)
    expectResult(await send({ body: ['SET', k, value], timeoutMs: 30000 }), 'OK')
    const plain = await cmd(['GET', k], { timeoutMs: 30000 })
    expect(plain.status).toBe(200)
    expect(plain.json.result.length).toBe(value.length)
    expect(plain.json.result === value).toBe(true)
    const encoded = await cmd(['GET', k], { headers: BASE64, timeoutMs: 30000 })
    expect(Buffer.from(encoded.json.result, 'base64').toString('latin1') === value).toBe(true)
    expectResult(await cmd(['STRLEN', k]), 5 * MB)
  }, 40000)
})

describe('a configured request size (maxRequestSize / --max-request-size)', () => {
  let gw
  const TOKEN = 'limits-token'
  beforeAll(async () => {
    gw = await startGateway({ redis: env().redisUrl, port: 0, token: TOKEN, maxRequestSize: 1000 })
  })
  afterAll(() => gw.close())
  const post = (opts) => send({ url: gw.url, token: TOKEN, ...opts })

  test('one byte over → 400 naming the limit and the exact size; at the limit it runs', async () => {
    const k = uniqueKey('cap')
    const at = (n) => JSON.stringify(['SET', k, 'x'.repeat(n - JSON.stringify(['SET', k, '']).length)])
    expect(Buffer.byteLength(at(1000))).toBe(1000)
    expectResult(await post({ body: at(1000) }), 'OK')
    const over = await post({ body: at(1001) })
    expectError(over, 400)
    expect(over.json.error).toBe(tooLarge(1000, 1001))
    expectResult(await post({ body: ['STRLEN', k] }), 1000 - JSON.stringify(['SET', k, '']).length)
  })

  test('the same answer on /pipeline, /multi-exec and the path form', async () => {
    const big = 'y'.repeat(2000)
    for (const [path, body] of [
      ['/pipeline', JSON.stringify([['SET', uniqueKey('cap-p'), big]])],
      ['/multi-exec', JSON.stringify([['SET', uniqueKey('cap-m'), big]])],
      [`/set/${encodeURIComponent(uniqueKey('cap-raw'))}`, big],
    ]) {
      const res = await post({ path, body })
      expectError(res, 400)
      // The path form's command is its path too: the request's size counts it with the body.
      const size = Buffer.byteLength(body) + (path.startsWith('/set/') ? path.length : 0)
      expect(res.json.error).toBe(tooLarge(1000, size))
    }
  })

  test('the path form counts its path and query: a value in the URL over the limit gets the same answer, nothing set', async () => {
    const k = uniqueKey('cap-url')
    const big = 'u'.repeat(1500)
    for (const path of [`/set/${k}/${big}`, `/set/${k}?${big}=1`, `/?${big}`]) {
      const res = await post({ path })
      expectError(res, 400)
      expect(res.json.error).toBe(tooLarge(1000, path.length))
    }
    expectResult(await post({ body: ['EXISTS', k] }), 0)
    // Under the limit the path form runs as before, its size counted the same way.
    const fits = `/set/${k}/${'u'.repeat(1000 - `/set/${k}/`.length)}`
    expect(fits.length).toBe(1000)
    expectResult(await post({ path: fits }), 'OK')
    expectResult(await post({ path: `${fits.slice(0, -1)}?` }), 'OK')
  })

  test('a body sent without Content-Length (chunked) gets the same answer with its exact size', async () => {
    const http = require('node:http')
    const target = new URL(gw.url)
    const res = await new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: 'POST',
          path: '/',
          headers: { authorization: `Bearer ${TOKEN}`, 'transfer-encoding': 'chunked' },
          agent: false,
        },
        (response) => {
          let text = ''
          response.on('data', (chunk) => (text += chunk))
          response.on('end', () => resolve({ status: response.statusCode, json: JSON.parse(text) }))
        },
      )
      req.on('error', reject)
      const body = JSON.stringify(['ECHO', 'c'.repeat(1500 - 11)])
      expect(Buffer.byteLength(body)).toBe(1500)
      req.write(body.slice(0, 700))
      req.end(body.slice(700))
    })
    expect(res).toEqual({ status: 400, json: { error: tooLarge(1000, 1500) } })
  })

  test('the deprecated maxBody still sets it; a zero or fractional size is refused by name', async () => {
    const old = await startGateway({ redis: env().redisUrl, port: 0, token: TOKEN, maxBody: 100 })
    try {
      const res = await send({ url: old.url, token: TOKEN, body: ['ECHO', 'z'.repeat(200)] })
      expect(res.json.error).toMatch(/^ERR max request size exceeded\. Limit: 100 bytes/)
    } finally {
      await old.close()
    }
    for (const bad of [0, 1.5, -1]) {
      await expect(startGateway({ port: 0, token: TOKEN, maxRequestSize: bad })).rejects.toThrow(
        /maxRequestSize \(--max-request-size\) must be a whole number from 1 to/,
      )
    }
  })
})

describe('HTTP methods', () => {
  test.each(['DELETE', 'PATCH', 'OPTIONS'])('%s → 405 {"error"} naming the allowed methods', async (method) => {
    const k = uniqueKey('method')
    expectError(await send({ method, path: '/', body: ['SET', k, 'v'] }), 405, /HEAD, GET, POST and PUT/)
    expectError(await send({ method, path: `/set/${encodeURIComponent(k)}/v` }), 405)
    expectResult(await cmd(['EXISTS', k]), 0)
  })

  test.each(['GET', 'POST', 'PUT'])('%s runs the path form', async (method) => {
    const k = uniqueKey(`method-${method}`)
    expectResult(await send({ method, path: `/set/${encodeURIComponent(k)}/v` }), 'OK')
    expectResult(await cmd(['GET', k]), 'v')
  })

  test('HEAD is accepted (200, no body)', async () => {
    const res = await send({ method: 'HEAD', path: '/ping' })
    expect(res.status).toBe(200)
    expect(res.body.length).toBe(0)
  })
})

describe("max key size (32 KB, Upstash's hard limit)", () => {
  const LIMIT = 32 * 1024
  const keyOf = (n) => {
    const prefix = uniqueKey('big-key')
    return prefix + 'k'.repeat(n - prefix.length)
  }
  const text = (n) => `ERR max key size exceeded. Limit: ${LIMIT} bytes, Actual: ${n} bytes`

  test("a key one byte over → 400 with Upstash's text, nothing stored; at the limit it runs", async () => {
    const over = keyOf(LIMIT + 1)
    const res = await cmd(['SET', over, 'v'])
    expectError(res, 400)
    expect(res.json.error).toBe(text(LIMIT + 1))
    const at = keyOf(LIMIT)
    expectResult(await cmd(['SET', at, 'v']), 'OK')
    expectResult(await cmd(['DEL', at]), 1)
    const redis = require('./support').direct() // the gateway refuses the key for EXISTS too
    try {
      expect(await redis.exists(over)).toBe(0)
    } finally {
      await redis.quit()
    }
  })

  test("values are not keys; every key of MSET, a script's KEYS and a subcommand's key are", async () => {
    const k = uniqueKey('big-value')
    expectResult(await cmd(['SET', k, 'v'.repeat(LIMIT * 2)]), 'OK')
    const over = keyOf(LIMIT + 10)
    expectError(await cmd(['MSET', k, '1', over, '2']), 400, /^ERR max key size exceeded/)
    expectError(await cmd(['EVAL', 'return 1', '1', over]), 400, /^ERR max key size exceeded/)
    expectResult(await cmd(['EVAL', 'return #ARGV[1]', '0', over]), LIMIT + 10)
    expectError(await cmd(['OBJECT', 'ENCODING', over]), 400, /^ERR max key size exceeded/)
  })

  test('in /pipeline only that entry fails; /multi-exec is refused whole', async () => {
    const k = uniqueKey('big-key-pl')
    const over = keyOf(LIMIT + 1)
    const res = await send({
      path: '/pipeline',
      body: [
        ['SET', k, '1'],
        ['GET', over],
      ],
    })
    expect(res.json).toEqual([{ result: 'OK' }, { error: text(LIMIT + 1) }])
    expectError(
      await send({
        path: '/multi-exec',
        body: [
          ['INCR', k],
          ['SET', over, '1'],
        ],
      }),
      400,
      /^ERR max key size/,
    )
    expectResult(await cmd(['GET', k]), '1')
  })

  test('the official SDK rejects with the same text', async () => {
    const redis = require('./support').sdk()
    await expect(redis.set(keyOf(LIMIT + 1), 'v')).rejects.toThrow(text(LIMIT + 1))
  })
})
