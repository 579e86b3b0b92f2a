'use strict'
// Blocking commands are recognised by each command's own grammar, not by a keyword anywhere in the
// arguments: a group, consumer or key that happens to be named STREAMS or BLOCK neither hides a
// BLOCK option nor fakes one.
const { uniqueKey } = require('../support')
const { cmd, pipeline, multiExec, expectError, expectResult } = require('./support')

const blocking = (k) => [
  ['XREADGROUP', 'GROUP', 'STREAMS', 'c', 'BLOCK', '0', 'STREAMS', k, '>'],
  ['XREADGROUP', 'GROUP', 'g', 'STREAMS', 'BLOCK', '0', 'STREAMS', k, '>'],
  ['XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', 'STREAMS', 'BLOCK', '0', 'STREAMS', k, '>'],
  ['xreadgroup', 'NOACK', 'block', '0', 'group', 'g', 'c', 'streams', k, '>'],
  ['XREAD', 'COUNT', 'STREAMS', 'BLOCK', '0', 'STREAMS', k, '$'],
  ['XREAD', 'BLOCK', '0', 'COUNT', '1', 'STREAMS', k, '$'],
]
// Not blocking: BLOCK is a key name or a count, or there is no BLOCK option at all.
const nonBlocking = (k) => [
  [['XREAD', 'STREAMS', 'BLOCK', k, '0', '0'], expect.anything()],
  [['XREAD', 'COUNT', '1', 'STREAMS', k, '0'], null],
  [['XREADGROUP', 'GROUP', 'BLOCK', 'c', 'STREAMS', k, '>'], null],
]

describe('blocking forms found by the grammar', () => {
  let k
  beforeAll(async () => {
    k = uniqueKey('blk')
    expectResult(await cmd(['XGROUP', 'CREATE', k, 'STREAMS', '$', 'MKSTREAM']), 'OK')
    expectResult(await cmd(['XGROUP', 'CREATE', k, 'g', '$']), 'OK')
    expectResult(await cmd(['XGROUP', 'CREATE', k, 'BLOCK', '$']), 'OK')
  })

  test('each blocking form → quick 400 on /, /pipeline and /multi-exec', async () => {
    for (const c of blocking(k)) {
      const res = await cmd(c, { timeoutMs: 5000 })
      expectError(res, 400, new RegExp(`^ERR ${c[0].toUpperCase()} with BLOCK is not available`))
      const pl = await pipeline([['PING'], c], { timeoutMs: 5000 })
      expect(pl.json).toEqual([{ result: 'PONG' }, { error: expect.stringMatching(/with BLOCK/) }])
      expectError(await multiExec([['PING'], c], { timeoutMs: 5000 }), 400, /with BLOCK/)
    }
  })

  test('forms without a BLOCK option still run', async () => {
    await cmd(['XADD', `${k}:other`, '1-1', 'f', 'v'])
    for (const [c] of nonBlocking(k)) {
      const res = await cmd(c, { timeoutMs: 5000 })
      expect(res.json.error ?? '').not.toMatch(/with BLOCK/)
    }
  })
})
