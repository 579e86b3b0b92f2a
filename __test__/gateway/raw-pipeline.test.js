'use strict'
// POST /pipeline: ordered per-command results, errors in place, malformed bodies rejected.
const { uniqueKey } = require('../support')
const { send, pipeline, cmd, expectError, expectResult } = require('./support')

describe('/pipeline', () => {
  test('results come back in order, one envelope per command', async () => {
    const k = uniqueKey('pl')
    const res = await pipeline([
      ['SET', k, '1'],
      ['INCR', k],
      ['INCRBY', k, 10],
      ['GET', k],
      ['GET', uniqueKey('pl-missing')],
      ['RPUSH', `${k}:l`, 'a', 'b'],
      ['LRANGE', `${k}:l`, '0', '-1'],
    ])
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    expect(res.json).toEqual([
      { result: 'OK' },
      { result: 2 },
      { result: 12 },
      { result: '12' },
      { result: null },
      { result: 2 },
      { result: ['a', 'b'] },
    ])
  })

  test('a failing command in the middle does not stop the rest', async () => {
    const k = uniqueKey('pl-err')
    const res = await pipeline([['SET', k, 'text'], ['INCR', k], ['NOSUCHCOMMAND'], ['APPEND', k, '!'], ['GET', k]])
    expect(res.status).toBe(200)
    expect(res.json).toEqual([
      { result: 'OK' },
      { error: expect.stringMatching(/^ERR value is not an integer/) },
      { error: expect.stringMatching(/unknown command/i) },
      { result: 5 },
      { result: 'text!' },
    ])
  })

  test('runs strictly in order on one connection (a later command sees an earlier write)', async () => {
    const k = uniqueKey('pl-order')
    const rows = []
    for (let i = 0; i < 200; i += 1) rows.push(['RPUSH', k, String(i)], ['LLEN', k])
    const res = await pipeline(rows)
    expect(res.status).toBe(200)
    res.json.forEach((entry, i) => expect(entry).toEqual({ result: Math.floor(i / 2) + 1 }))
  })

  test('a single-command pipeline', async () => {
    const res = await pipeline([['ECHO', 'only']])
    expect(res.status).toBe(200)
    expect(res.json).toEqual([{ result: 'only' }])
  })

  test.each([
    ['empty pipeline', '[]'],
    ['flat (one command, not 2-D)', '["SET","k","v"]'],
    ['object body', '{"a":1}'],
    ['a row that is not an array', '[["PING"],"PING"]'],
    ['malformed JSON', '[["PING"]'],
  ])('%s → 400', async (_name, body) => {
    expectError(await send({ path: '/pipeline', body, headers: { 'content-type': 'application/json' } }), 400)
  })

  test('a malformed row rejects the whole request before anything runs', async () => {
    const k = uniqueKey('pl-bad-row')
    const body = JSON.stringify([
      ['SET', k, 'v'],
      ['SET', k, { nested: true }],
    ])
    expectError(await send({ path: '/pipeline', body, headers: { 'content-type': 'application/json' } }), 400)
    expectResult(await cmd(['EXISTS', k]), 0)
  })
})
