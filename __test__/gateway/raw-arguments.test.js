'use strict'
// How JSON request bodies become Redis arguments, and which bodies are rejected.
// Bodies are written as literal text so the exact JSON number spelling reaches the gateway.
const { uniqueKey } = require('../support')
const { send, cmd, expectError, expectResult } = require('./support')

const q = JSON.stringify
const raw = (text) => send({ body: text, headers: { 'content-type': 'application/json' } })

describe('argument conversion', () => {
  test.each([
    ['1.50', '1.50'],
    ['12345678901234567890', '12345678901234567890'],
    ['-7', '-7'],
    ['0', '0'],
    ['2.5e-3', '2.5e-3'],
    ['1E+21', '1E+21'],
    ['true', 'true'],
    ['false', 'false'],
  ])('JSON %s is stored as the literal text %j', async (literal, stored) => {
    const k = uniqueKey('arg')
    expectResult(await raw(`["SET",${q(k)},${literal}]`), 'OK')
    expectResult(await cmd(['GET', k]), stored)
  })

  test('numbers work as numeric arguments (EX, INCRBY)', async () => {
    const k = uniqueKey('arg-num')
    expectResult(await raw(`["SET",${q(k)},"10","EX",100]`), 'OK')
    expectResult(await raw(`["INCRBY",${q(k)},5]`), 15)
    const ttl = (await cmd(['TTL', k])).json.result
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(100)
  })

  test('strings pass through verbatim: escapes, unicode, empty string', async () => {
    const k = uniqueKey('arg-str')
    const value = 'tab\t nl\n quote" backslash\\ comma, é 日本 🚀 \u0001'
    expectResult(await cmd(['SET', k, value]), 'OK')
    expectResult(await cmd(['GET', k]), value)
    expectResult(await raw(`["SET",${q(k)},"\\u00e9\\ud83d\\ude80"]`), 'OK')
    expectResult(await cmd(['GET', k]), 'é🚀')
    expectResult(await cmd(['SET', k, '']), 'OK')
    expectResult(await cmd(['STRLEN', k]), 0)
  })

  test('the command name may be any case', async () => {
    const k = uniqueKey('arg-case')
    expectResult(await cmd(['sEt', k, 'v']), 'OK')
    expectResult(await cmd(['get', k]), 'v')
  })
})

describe('rejected bodies → 400 {"error"}', () => {
  test.each([
    ['null argument', (k) => `["SET",${q(k)},null]`],
    ['object argument', (k) => `["SET",${q(k)},{"a":1}]`],
    ['nested array argument', (k) => `["SET",${q(k)},["a"]]`],
    ['empty array', () => '[]'],
    ['object body', (k) => `{"command":"SET","key":${q(k)}}`],
    ['string body', () => '"PING"'],
    ['number body', () => '42'],
    ['null body', () => 'null'],
    ['non-string command name', () => '[1,"a"]'],
    ['malformed JSON', (k) => `["SET",${q(k)},"v"`],
    ['trailing garbage', (k) => `["SET",${q(k)},"v"] x`],
    ['empty body', () => ''],
  ])('%s', async (_name, body) => {
    const k = uniqueKey('bad-body')
    expectError(await raw(body(k)), 400)
    expectResult(await cmd(['EXISTS', k]), 0)
  })
})

describe('command names Redis does not know', () => {
  test.each([['é'], ['GET\u00a0'], ['命令'], ['a b']])('%j → Redis\'s "ERR unknown command"', async (name) => {
    const res = await cmd([name, 'k'])
    expectError(res, 400, /^ERR unknown command '/)
    const path = await send({ method: 'GET', path: `/${encodeURIComponent(name)}/k` })
    expectError(path, 400, /^ERR unknown command '/)
  })
})
