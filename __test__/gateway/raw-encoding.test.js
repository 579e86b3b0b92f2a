'use strict'
// Response encodings: plain JSON (lossy UTF-8), `Upstash-Encoding: base64`, `Upstash-Response-Format: resp2`.
const { uniqueKey } = require('../support')
const { cmd, pipeline, expectError, expectResult, BASE64, b64 } = require('./support')

const RESP2 = { 'upstash-response-format': 'resp2' }
const b64cmd = (args) => cmd(args, { headers: BASE64 })
// Writes arbitrary bytes with Lua, so these tests do not depend on the path-form body channel.
const setBytes = (k, bytes) =>
  cmd(['EVAL', `return redis.call('SET', KEYS[1], string.char(${[...bytes].join(',')}))`, '1', k])

describe('Upstash-Encoding: base64', () => {
  test('a whole-result OK stays plain, bulk strings are base64', async () => {
    const k = uniqueKey('b64')
    expectResult(await b64cmd(['SET', k, 'bar']), 'OK')
    expectResult(await b64cmd(['GET', k]), b64('bar'))
    expectResult(await b64cmd(['GET', uniqueKey('b64-missing')]), null)
  })

  test('status replies other than OK are encoded (PING, TYPE)', async () => {
    const k = uniqueKey('b64-status')
    await cmd(['SET', k, 'x'])
    expectResult(await b64cmd(['PING']), b64('PONG'))
    expectResult(await b64cmd(['TYPE', k]), b64('string'))
  })

  test('integers stay JSON numbers', async () => {
    expectResult(await b64cmd(['INCR', uniqueKey('b64-int')]), 1)
  })

  test('MGET: every string element encoded, a value "OK" included; nil stays null', async () => {
    const [a, b, c] = [uniqueKey('b64-a'), uniqueKey('b64-b'), uniqueKey('b64-c')]
    await cmd(['SET', a, 'OK'])
    await cmd(['SET', c, 'ü'])
    expectResult(await b64cmd(['MGET', a, b, c]), [b64('OK'), null, b64('ü')])
  })

  test('nested arrays: status OK inside an array is encoded, numbers and nulls kept', async () => {
    const script = "return {1, redis.status_reply('OK'), 'OK', false, {2, 'x', redis.status_reply('PONG')}}"
    expectResult(await b64cmd(['EVAL', script, '0']), [1, b64('OK'), b64('OK'), null, [2, b64('x'), b64('PONG')]])
  })

  test('errors are never encoded', async () => {
    const k = uniqueKey('b64-err')
    await cmd(['SET', k, 'text'])
    expectError(await b64cmd(['INCR', k]), 400, /^ERR value is not an integer/)
  })

  test('binary (non-UTF-8) values round-trip exactly', async () => {
    const k = uniqueKey('b64-bin')
    const bytes = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0xc3, 0x28, 0x0a, 0x22, 0x5c, 0xf0, 0x9f])
    await setBytes(k, bytes)
    const res = await b64cmd(['GET', k])
    expect(res.status).toBe(200)
    expect(Buffer.from(res.json.result, 'base64')).toEqual(bytes)
    const list = await b64cmd(['MGET', k, k])
    expect(list.json.result.map((s) => Buffer.from(s, 'base64'))).toEqual([bytes, bytes])
  })

  test('applies to every entry of a pipeline', async () => {
    const [k, n] = [uniqueKey('b64-pl'), uniqueKey('b64-pl-n')]
    await cmd(['SET', k, 'bar'])
    const res = await pipeline(
      [
        ['INCR', n],
        ['GET', k],
        ['MGET', k, n],
        ['INCR', k],
      ],
      { headers: BASE64 },
    )
    expect(res.status).toBe(200)
    expect(res.json).toEqual([
      { result: 1 },
      { result: b64('bar') },
      { result: [b64('bar'), b64('1')] },
      { error: expect.stringMatching(/^ERR value is not an integer/) },
    ])
  })
})

describe('plain JSON', () => {
  test('invalid UTF-8 is replaced by U+FFFD, valid UTF-8 kept', async () => {
    const k = uniqueKey('utf8')
    await setBytes(k, Buffer.from([0x61, 0xff, 0x62, 0xc3, 0xa9]))
    expectResult(await cmd(['GET', k]), 'a\uFFFDbé')
    expectResult(await cmd(['MGET', k]), ['a\uFFFDbé'])
  })
})

describe('Upstash-Response-Format: resp2', () => {
  const resp2 = (args) => cmd(args, { headers: RESP2 })
  const expectRaw = (res, bytes) => {
    expect({ status: res.status, type: res.headers['content-type'] }).toEqual({
      status: 200,
      type: 'application/octet-stream',
    })
    expect(res.body).toEqual(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'latin1'))
  }

  test('status, bulk, integer, nil and array replies as raw RESP2 bytes', async () => {
    const [k, n, l] = [uniqueKey('resp2'), uniqueKey('resp2-n'), uniqueKey('resp2-l')]
    expectRaw(await resp2(['SET', k, 'bar']), '+OK\r\n')
    expectRaw(await resp2(['GET', k]), '$3\r\nbar\r\n')
    expectRaw(await resp2(['INCR', n]), ':1\r\n')
    expectRaw(await resp2(['GET', uniqueKey('resp2-missing')]), '$-1\r\n')
    await cmd(['RPUSH', l, 'a', 'bc'])
    expectRaw(await resp2(['LRANGE', l, '0', '-1']), '*2\r\n$1\r\na\r\n$2\r\nbc\r\n')
  })

  test('binary values are passed through byte for byte', async () => {
    const k = uniqueKey('resp2-bin')
    const bytes = Buffer.from([0xff, 0x00, 0x0d, 0x0a, 0x80])
    await setBytes(k, bytes)
    expectRaw(await resp2(['GET', k]), Buffer.concat([Buffer.from('$5\r\n'), bytes, Buffer.from('\r\n')]))
  })

  test('a Redis error is status 400 with the raw -ERR line', async () => {
    const k = uniqueKey('resp2-err')
    await cmd(['SET', k, 'text'])
    const res = await resp2(['INCR', k])
    expect(res.status).toBe(400)
    expect(res.text).toMatch(/^-ERR value is not an integer[^\r\n]*\r\n$/)
  })

  test('resp2 together with base64 → 400', async () => {
    expectError(await cmd(['PING'], { headers: { ...RESP2, ...BASE64 } }), 400)
  })

  test('an unknown format value → 400', async () => {
    expectError(await cmd(['PING'], { headers: { 'upstash-response-format': 'xml' } }), 400)
  })

  test('format json is the default JSON envelope', async () => {
    expectResult(await cmd(['ECHO', 'x'], { headers: { 'upstash-response-format': 'json' } }), 'x')
  })
})
