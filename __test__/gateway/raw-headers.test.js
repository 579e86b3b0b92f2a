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
