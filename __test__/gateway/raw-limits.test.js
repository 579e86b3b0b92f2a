'use strict'
// Request size cap (default 10 MB), large values below it, and disallowed HTTP methods.
const crypto = require('node:crypto')
const { uniqueKey } = require('../support')
const { send, cmd, expectError, expectResult, BASE64 } = require('./support')

const MB = 1024 * 1024
// Printable, non-repeating content, so a truncated or shifted value cannot compare equal.
const bigString = (bytes) =>
  crypto
    .randomBytes(Math.ceil((bytes * 3) / 4))
    .toString('base64')
    .slice(0, bytes)
const expectServing = async () => expectResult(await cmd(['PING']), 'PONG')

describe('body size limit', () => {
  test('an ~11 MB JSON body → 413 {"error"}, nothing stored, and the gateway keeps serving', async () => {
    const k = uniqueKey('big-body')
    const res = await send({ body: ['SET', k, bigString(11 * MB)], timeoutMs: 30000 })
    expectError(res, 413)
    await expectServing()
    expectResult(await cmd(['EXISTS', k]), 0)
  }, 40000)

  test('an ~11 MB raw path-form body → 413', async () => {
    const k = uniqueKey('big-raw')
    const res = await send({
      path: `/set/${encodeURIComponent(k)}`,
      body: Buffer.alloc(11 * MB, 0x61),
      timeoutMs: 30000,
    })
    expectError(res, 413)
    await expectServing()
    expectResult(await cmd(['EXISTS', k]), 0)
  }, 40000)

  test('an ~11 MB pipeline → 413', async () => {
    const k = uniqueKey('big-pl')
    const chunk = bigString(MB)
    const rows = Array.from({ length: 11 }, (_, i) => ['SET', `${k}:${i}`, chunk])
    const res = await send({ path: '/pipeline', body: rows, timeoutMs: 30000 })
    expectError(res, 413)
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

describe('HTTP methods', () => {
  test.each(['DELETE', 'PATCH'])('%s → 405 {"error"}', async (method) => {
    const k = uniqueKey('method')
    expectError(await send({ method, path: '/', body: ['SET', k, 'v'] }), 405)
    expectError(await send({ method, path: `/set/${encodeURIComponent(k)}/v` }), 405)
    expectResult(await cmd(['EXISTS', k]), 0)
  })
})
