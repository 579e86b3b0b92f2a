'use strict'
// POST /multi-exec: MULTI…EXEC on an exclusively held connection.
const { uniqueKey } = require('../support')
const { multiExec, cmd, expectError, expectResult } = require('./support')

describe('/multi-exec', () => {
  test('returns one envelope per command', async () => {
    const k = uniqueKey('mx')
    const res = await multiExec([
      ['SET', k, '1'],
      ['INCR', k],
      ['GET', k],
      ['HSET', `${k}:h`, 'f', 'v'],
      ['HGETALL', `${k}:h`],
    ])
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    expect(res.json).toEqual([{ result: 'OK' }, { result: 2 }, { result: '2' }, { result: 1 }, { result: ['f', 'v'] }])
  })

  test('a run-time error stays in place and the other commands still apply', async () => {
    const k = uniqueKey('mx-runtime')
    const res = await multiExec([
      ['SET', k, 'text'],
      ['INCR', k],
      ['APPEND', k, '!'],
      ['LPUSH', k, 'x'],
      ['GET', k],
    ])
    expect(res.status).toBe(200)
    expect(res.json).toEqual([
      { result: 'OK' },
      { error: expect.stringMatching(/^ERR value is not an integer/) },
      { result: 5 },
      { error: expect.stringMatching(/^WRONGTYPE/) },
      { result: 'text!' },
    ])
    expectResult(await cmd(['GET', k]), 'text!')
  })

  test.each([
    ['wrong arity', ['GET']],
    ['unknown command', ['NOSUCHCOMMAND', 'x']],
  ])('a queue-time error (%s) discards everything: 400 with EXECABORT', async (_name, bad) => {
    const k = uniqueKey('mx-abort')
    const res = await multiExec([['SET', k, 'v'], bad, ['INCR', `${k}:n`]])
    expectError(res, 400, /EXECABORT/)
    expectResult(await cmd(['EXISTS', k, `${k}:n`]), 0)
  })

  test('after a discarded transaction the next one works (connection not left in MULTI)', async () => {
    const k = uniqueKey('mx-after')
    for (let i = 0; i < 5; i += 1) {
      expectError(await multiExec([['SET', k, 'v'], ['GET']]), 400, /EXECABORT/)
    }
    const res = await multiExec([
      ['SET', k, 'ok'],
      ['GET', k],
    ])
    expect(res.status).toBe(200)
    expect(res.json).toEqual([{ result: 'OK' }, { result: 'ok' }])
    expectResult(await cmd(['GET', k]), 'ok')
  })

  test('empty and non-2-D bodies → 400', async () => {
    expectError(await multiExec([]), 400)
    expectError(await multiExec(['SET', 'k', 'v']), 400)
  })

  test('50 concurrent transactions on one key: all 200, never nested MULTI, final value 50', async () => {
    const k = uniqueKey('mx-concurrent')
    const all = await Promise.all(
      Array.from({ length: 50 }, () =>
        multiExec(
          [
            ['INCR', k],
            ['GET', k],
          ],
          { timeoutMs: 20000 },
        ),
      ),
    )
    for (const res of all) {
      expect({ status: res.status, text: res.text }).toEqual({ status: 200, text: expect.any(String) })
      expect(res.text).not.toMatch(/nested/i)
      const [incr, get] = res.json
      // Atomic: the GET inside each transaction sees exactly that transaction's INCR.
      expect(get).toEqual({ result: String(incr.result) })
    }
    const seen = all.map((r) => r.json[0].result).sort((a, b) => a - b)
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
    expectResult(await cmd(['GET', k]), '50')
  }, 30000)

  test('transactions interleaved with plain commands on the same key stay atomic', async () => {
    const k = uniqueKey('mx-mixed')
    const jobs = []
    for (let i = 0; i < 20; i += 1) {
      jobs.push(
        multiExec(
          [
            ['INCR', k],
            ['INCR', k],
          ],
          { timeoutMs: 20000 },
        ),
      )
      jobs.push(cmd(['INCR', k], { timeoutMs: 20000 }))
    }
    const all = await Promise.all(jobs)
    for (const res of all)
      expect({ status: res.status, text: res.text }).toEqual({ status: 200, text: expect.any(String) })
    // Each transaction's two INCRs are adjacent: the second is exactly the first plus one.
    for (const res of all.filter((_, i) => i % 2 === 0)) expect(res.json[1].result).toBe(res.json[0].result + 1)
    expectResult(await cmd(['GET', k]), '60')
  }, 30000)
})
