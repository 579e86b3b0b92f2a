'use strict'
// Authentication (Bearer header or ?_token) and the absence of a Content-Type requirement.
const { uniqueKey } = require('../support')
const { send, cmd, expectError, expectResult, gateway } = require('./support')

const BAD = 'definitely-not-the-token-7f3a9c'

describe('auth', () => {
  test.each([
    ['no credentials', { token: null }],
    ['a wrong bearer token', { token: BAD }],
    ['a wrong _token parameter', { token: null, path: `/?_token=${BAD}` }],
    [
      'a non-Bearer scheme',
      { token: null, headers: { authorization: `Basic ${Buffer.from(`u:${BAD}`).toString('base64')}` } },
    ],
  ])('%s → 401 {"error"} that does not echo the token', async (_name, opts) => {
    const res = await send({ body: ['SET', uniqueKey('auth'), 'v'], ...opts })
    expectError(res, 401)
    expect(res.text).not.toContain(BAD)
    expect(res.text).not.toContain(gateway().token)
  })

  test('a 401 does not run the command', async () => {
    const k = uniqueKey('auth-norun')
    expectError(await send({ body: ['SET', k, 'v'], token: BAD }), 401)
    expectResult(await cmd(['EXISTS', k]), 0)
  })

  test('401 on every endpoint kind, before the body is looked at', async () => {
    expectError(await send({ path: '/pipeline', body: [['PING']], token: BAD }), 401)
    expectError(await send({ path: '/multi-exec', body: [['PING']], token: BAD }), 401)
    expectError(await send({ method: 'GET', path: '/ping', token: BAD }), 401)
    expectError(await send({ body: 'not json at all', token: BAD }), 401)
    expectError(
      await send({ path: '/subscribe/x', body: '[]', token: BAD, headers: { accept: 'text/event-stream' } }),
      401,
    )
  })

  test('the error message does not contain a long wrong token either', async () => {
    const long = `tok_${'x9'.repeat(40)}`
    const res = await send({ body: ['PING'], token: long })
    expectError(res, 401)
    expect(res.text).not.toContain(long)
  })
})

describe('Content-Type is not required', () => {
  test('no Content-Type header', async () => {
    const k = uniqueKey('ct-none')
    const res = await send({ body: JSON.stringify(['SET', k, 'v']) })
    expectResult(res, 'OK')
    expectResult(await cmd(['GET', k]), 'v')
  })

  test.each(['text/plain', 'application/x-www-form-urlencoded'])('Content-Type: %s', async (type) => {
    const k = uniqueKey('ct')
    expectResult(await send({ body: JSON.stringify(['SET', k, type]), headers: { 'content-type': type } }), 'OK')
    expectResult(await cmd(['GET', k]), type)
  })

  test('/pipeline without Content-Type', async () => {
    const res = await send({
      path: '/pipeline',
      body: JSON.stringify([
        ['ECHO', 'a'],
        ['ECHO', 'b'],
      ]),
    })
    expect(res.status).toBe(200)
    expect(res.json).toEqual([{ result: 'a' }, { result: 'b' }])
  })
})
