'use strict'
// Response headers: `upstash-sync-token` on every response (new value each time), JSON content type.
const { uniqueKey } = require('../support')
const { send, cmd, pipeline, multiExec } = require('./support')

const CASES = [
  ['200 single command', (k) => cmd(['SET', k, 'v'])],
  ['200 path form', (k) => send({ method: 'GET', path: `/get/${encodeURIComponent(k)}` })],
  [
    '200 pipeline',
    (k) =>
      pipeline([
        ['GET', k],
        ['INCR', `${k}:n`],
      ]),
  ],
  ['200 multi-exec', (k) => multiExec([['GET', k]])],
  ['400 redis error', () => cmd(['GET'])],
  ['400 bad body', () => send({ body: '{', headers: { 'content-type': 'application/json' } })],
  ['401 bad token', (k) => cmd(['GET', k], { token: 'wrong-token' })],
]

describe('response headers', () => {
  test.each(CASES)('%s: sync token and application/json', async (_name, run) => {
    const res = await run(uniqueKey('hdr'))
    expect(res.headers['upstash-sync-token']).toEqual(expect.stringMatching(/\S/))
    expect(res.headers['content-type']).toMatch(/^application\/json/)
  })

  test('the sync token differs between consecutive responses, whatever their status', async () => {
    const k = uniqueKey('hdr-seq')
    const tokens = []
    for (const [, run] of [...CASES, ...CASES]) tokens.push((await run(k)).headers['upstash-sync-token'])
    for (let i = 1; i < tokens.length; i += 1) expect(tokens[i]).not.toBe(tokens[i - 1])
    expect(tokens.every((t) => typeof t === 'string' && t.length > 0)).toBe(true)
  })

  test('an incoming (even empty or stale) sync token is accepted', async () => {
    const first = await cmd(['PING'])
    const withEmpty = await cmd(['PING'], { headers: { 'upstash-sync-token': '' } })
    const withOld = await cmd(['PING'], { headers: { 'upstash-sync-token': first.headers['upstash-sync-token'] } })
    const withJunk = await cmd(['PING'], { headers: { 'upstash-sync-token': 'not-a-token' } })
    for (const res of [withEmpty, withOld, withJunk]) expect(res.json).toEqual({ result: 'PONG' })
  })

  test('SDK telemetry headers are accepted', async () => {
    const res = await cmd(['PING'], {
      headers: {
        'upstash-telemetry-runtime': 'node@v20',
        'upstash-telemetry-platform': 'unknown',
        'upstash-telemetry-sdk': '@upstash/redis@v1.39.0',
        'upstash-telemetry-retry': '1',
      },
    })
    expect(res.json).toEqual({ result: 'PONG' })
  })
})

describe('Upstash-Response-Format and Upstash-Encoding, as Upstash answers them', () => {
  const RESP2 = { 'upstash-response-format': 'resp2' }
  const BASE64 = { 'upstash-encoding': 'base64' }

  test.each([
    ['/', (h) => cmd(['PING'], { headers: h })],
    ['the path form', (h) => send({ method: 'GET', path: '/ping', headers: h })],
    ['/pipeline', (h) => pipeline([['PING']], { headers: h })],
    ['/multi-exec', (h) => multiExec([['PING']], { headers: h })],
  ])('%s: a format other than json/resp2 → 400 naming the header', async (_name, run) => {
    for (const value of ['xml', 'RESP3', '']) {
      const res = await run({ 'upstash-response-format': value })
      expect(res.status).toBe(400)
      expect(res.json.error).toMatch(/Upstash-Response-Format/)
    }
  })

  test.each([
    ['/', (h) => cmd(['PING'], { headers: h })],
    ['/pipeline', (h) => pipeline([['PING']], { headers: h })],
  ])('%s: resp2 together with base64 → 400 {"error"}', async (_name, run) => {
    const res = await run({ ...RESP2, ...BASE64 })
    expect(res.status).toBe(400)
    expect(res.json.error).toMatch(/resp2 cannot be combined with Upstash-Encoding: base64/)
  })

  test('/multi-exec ignores resp2: JSON as without it, base64 too when asked (no conflict there)', async () => {
    const k = uniqueKey('hdr-multi')
    await cmd(['SET', k, 'bar'])
    const plain = await multiExec([['GET', k]], { headers: RESP2 })
    expect({ status: plain.status, type: plain.headers['content-type'], json: plain.json }).toEqual({
      status: 200,
      type: expect.stringMatching(/^application\/json/),
      json: [{ result: 'bar' }],
    })
    const encoded = await multiExec([['GET', k]], { headers: { ...RESP2, ...BASE64 } })
    expect({ status: encoded.status, json: encoded.json }).toEqual({ status: 200, json: [{ result: 'YmFy' }] })
  })

  test('Upstash-Telemetry-* change nothing: the same answers with and without them, on every route', async () => {
    const k = uniqueKey('hdr-tele')
    await cmd(['SET', k, 'v'])
    const telemetry = {
      'upstash-telemetry-runtime': 'node@v22',
      'upstash-telemetry-platform': 'vercel',
      'upstash-telemetry-sdk': '@upstash/redis@v1.39.0,@upstash/ratelimit@v2.0.0',
      'upstash-telemetry-retry': '3',
      'upstash-telemetry-anything-new': 'x',
    }
    for (const run of [
      (h) => cmd(['GET', k], { headers: h }),
      (h) =>
        pipeline(
          [
            ['GET', k],
            ['STRLEN', k],
          ],
          { headers: { ...h, ...BASE64 } },
        ),
      (h) => multiExec([['GET', k]], { headers: h }),
    ]) {
      const [without, withIt] = [await run({}), await run(telemetry)]
      expect({ status: withIt.status, json: withIt.json }).toEqual({ status: without.status, json: without.json })
    }
  })

  test('the official SDK, which sends telemetry and base64 by default, reads and writes', async () => {
    const { Redis } = require('@upstash/redis')
    const { url, token } = require('./support').gateway()
    const redis = new Redis({ url, token }) // telemetry on, as applications run it
    const k = uniqueKey('hdr-sdk')
    expect(await redis.set(k, { a: 1 })).toBe('OK')
    expect(await redis.get(k)).toEqual({ a: 1 })
    expect(await redis.multi().get(k).exec()).toEqual([{ a: 1 }])
  })
})
