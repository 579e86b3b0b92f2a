'use strict'
// Body form (`POST /` with a JSON command array) and path form (`/cmd/arg/...`), over raw HTTP.
const { uniqueKey } = require('../support')
const { send, cmd, expectError, expectResult, direct, gateway } = require('./support')

const enc = encodeURIComponent

describe('POST / (body form)', () => {
  test('SET then GET', async () => {
    const k = uniqueKey('raw-set')
    expectResult(await cmd(['SET', k, 'v']), 'OK')
    expectResult(await cmd(['GET', k]), 'v')
  })

  test('command names are case-insensitive and a missing key is null', async () => {
    expectResult(await cmd(['get', uniqueKey('raw-missing')]), null)
  })

  test('integer and array replies', async () => {
    const k = uniqueKey('raw-list')
    expectResult(await cmd(['RPUSH', k, 'a', 'b', 'c']), 3)
    expectResult(await cmd(['LRANGE', k, '0', '-1']), ['a', 'b', 'c'])
    expectResult(await cmd(['LRANGE', uniqueKey('raw-none'), '0', '-1']), [])
  })

  test('nested arrays with nulls (Lua table)', async () => {
    const res = await cmd(['EVAL', "return {1, {'a', false}, 'b'}", '0'])
    expectResult(res, [1, ['a', null], 'b'])
  })

  test('a Redis error is 400 {"error"} with the Redis text', async () => {
    const k = uniqueKey('raw-wrongtype')
    expectResult(await cmd(['SET', k, 'text']), 'OK')
    expectError(await cmd(['LPUSH', k, 'x']), 400, /^WRONGTYPE Operation against a key holding the wrong kind of value/)
    expectError(await cmd(['INCR', k]), 400, /^ERR value is not an integer/)
    expectError(await cmd(['GET']), 400, /^ERR wrong number of arguments for 'get' command/i)
  })

  test('an unknown command is 400', async () => {
    expectError(await cmd(['NOSUCHCOMMAND', 'x']), 400, /unknown command/i)
  })
})

describe('path form', () => {
  test('GET /set/<k>/bar then GET /get/<k>', async () => {
    const k = uniqueKey('path-set')
    expectResult(await send({ method: 'GET', path: `/set/${enc(k)}/bar` }), 'OK')
    expectResult(await send({ method: 'GET', path: `/get/${enc(k)}` }), 'bar')
  })

  test('extra path segments are further arguments (SET k v EX 100)', async () => {
    const k = uniqueKey('path-ex')
    expectResult(await send({ method: 'GET', path: `/set/${enc(k)}/v/EX/100` }), 'OK')
    const ttl = (await cmd(['TTL', k])).json.result
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(100)
  })

  test('segments are percent-decoded (/set/a%2Fb/x%20y)', async () => {
    const k = `${uniqueKey('path-enc')}a/b`
    expectResult(await send({ method: 'GET', path: `/set/${enc(k)}/x%20y` }), 'OK')
    expectResult(await cmd(['GET', k]), 'x y')
    const unicode = `${uniqueKey('path-uni')}ключ🔑`
    expectResult(await send({ method: 'GET', path: `/set/${enc(unicode)}/${enc('значение, "q"')}` }), 'OK')
    expectResult(await cmd(['GET', unicode]), 'значение, "q"')
  })

  test('POST /set/<k> takes the raw body as the value, binary bytes included', async () => {
    const k = uniqueKey('path-body')
    const bytes = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x0a, 0x22, 0x2c, 0xc3, 0x28, 0x7f])
    expectResult(await send({ path: `/set/${enc(k)}`, body: bytes }), 'OK')
    const res = await cmd(['GET', k], { headers: { 'upstash-encoding': 'base64' } })
    expect(res.status).toBe(200)
    expect(Buffer.from(res.json.result, 'base64')).toEqual(bytes)
    const redis = direct()
    try {
      expect(await redis.getBuffer(k)).toEqual(bytes)
    } finally {
      redis.disconnect()
    }
  })

  test('POST /set/<k> with a JSON document body stores it verbatim', async () => {
    const k = uniqueKey('path-json')
    const doc = '{"a": [1, 2], "b": "x,y"}'
    expectResult(
      await send({ path: `/set/${enc(k)}`, body: doc, headers: { 'content-type': 'application/json' } }),
      'OK',
    )
    expectResult(await cmd(['GET', k]), doc)
  })

  test('POST /set/<k>?EX=100: query pairs come after the body', async () => {
    const k = uniqueKey('path-query')
    expectResult(await send({ path: `/set/${enc(k)}?EX=100`, body: 'value' }), 'OK')
    expectResult(await cmd(['GET', k]), 'value')
    const ttl = (await cmd(['TTL', k])).json.result
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(100)
  })

  test('path-form Redis errors are 400 too', async () => {
    expectError(await send({ method: 'GET', path: '/nosuchcommand/x' }), 400, /unknown command/i)
  })
})

describe('_token query parameter', () => {
  test('authenticates instead of the header (body and path form)', async () => {
    const { token } = gateway()
    const k = uniqueKey('qtoken')
    expectResult(await send({ path: `/?_token=${enc(token)}`, body: ['SET', k, 'v'], token: null }), 'OK')
    expectResult(await send({ method: 'GET', path: `/get/${enc(k)}?_token=${enc(token)}`, token: null }), 'v')
  })

  test('is not passed to Redis as an argument', async () => {
    const { token } = gateway()
    const k = uniqueKey('qtoken-args')
    // If _token leaked into the arguments, these would be ECHO hi _token <t> / SET k v _token <t>: errors.
    expectResult(await send({ method: 'GET', path: `/echo/hi?_token=${enc(token)}`, token: null }), 'hi')
    expectResult(await send({ path: `/set/${enc(k)}?_token=${enc(token)}`, body: 'v', token: null }), 'OK')
    expectResult(await send({ path: `/set/${enc(k)}?_token=${enc(token)}&EX=50`, body: 'w', token: null }), 'OK')
    expectResult(await cmd(['GET', k]), 'w')
    const ttl = (await cmd(['TTL', k])).json.result
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(50)
  })
})
