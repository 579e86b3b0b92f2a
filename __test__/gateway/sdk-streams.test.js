'use strict'
// Streams through the official SDK: xadd/xrange/xlen/xdel/xtrim/xread and consumer groups.
const { uniqueKey } = require('../support')
const { sdk } = require('./support')

const redis = sdk()
const ID = /^\d+-\d+$/

describe('SDK streams', () => {
  test('xadd / xrange / xlen / xdel', async () => {
    const k = uniqueKey('x')
    const id1 = await redis.xadd(k, '*', { field: 'v1', n: 1 })
    const id2 = await redis.xadd(k, '*', { field: 'a,b "c"', doc: { x: 1 } })
    expect(id1).toMatch(ID)
    expect(id2).toMatch(ID)
    expect(await redis.xlen(k)).toBe(2)
    expect(await redis.xrange(k, '-', '+')).toEqual({
      [id1]: { field: 'v1', n: 1 },
      [id2]: { field: 'a,b "c"', doc: { x: 1 } },
    })
    expect(await redis.xdel(k, id1)).toBe(1)
    expect(await redis.xlen(k)).toBe(1)
    expect(Object.keys(await redis.xrange(k, '-', '+'))).toEqual([id2])
  })

  test('xadd with an explicit id, xtrim MAXLEN', async () => {
    const k = uniqueKey('x-trim')
    for (let i = 1; i <= 5; i += 1) expect(await redis.xadd(k, `${i}-0`, { i })).toBe(`${i}-0`)
    expect(await redis.xtrim(k, { strategy: 'MAXLEN', exactness: '=', threshold: 2 })).toBe(3)
    expect(await redis.xrange(k, '-', '+')).toEqual({ '4-0': { i: 4 }, '5-0': { i: 5 } })
  })

  test('xread (non-blocking)', async () => {
    const k = uniqueKey('x-read')
    await redis.xadd(k, '1-1', { f: 'one' })
    await redis.xadd(k, '1-2', { f: 'two' })
    expect(await redis.xread(k, '0')).toEqual([
      [
        k,
        [
          ['1-1', ['f', 'one']],
          ['1-2', ['f', 'two']],
        ],
      ],
    ])
    expect(await redis.xread(k, '1-1', { count: 1 })).toEqual([[k, [['1-2', ['f', 'two']]]]])
    expect(await redis.xread(k, '1-2')).toBeNull()
  })

  test('xgroup create, xreadgroup, xpending, xack', async () => {
    const k = uniqueKey('x-group')
    await redis.xadd(k, '1-1', { job: 'a' })
    await redis.xadd(k, '1-2', { job: 'b' })
    expect(await redis.xgroup(k, { type: 'CREATE', group: 'workers', id: '0' })).toBe('OK')
    const read = await redis.xreadgroup('workers', 'c1', k, '>')
    expect(read).toEqual([
      [
        k,
        [
          ['1-1', ['job', 'a']],
          ['1-2', ['job', 'b']],
        ],
      ],
    ])
    const pending = await redis.xpending(k, 'workers', '-', '+', 10)
    expect(pending.map(([id, consumer, , deliveries]) => [id, consumer, deliveries])).toEqual([
      ['1-1', 'c1', 1],
      ['1-2', 'c1', 1],
    ])
    expect(await redis.xack(k, 'workers', '1-1')).toBe(1)
    expect((await redis.xpending(k, 'workers', '-', '+', 10)).map(([id]) => id)).toEqual(['1-2'])
    expect(await redis.xack(k, 'workers', ['1-2', '9-9'])).toBe(1)
    expect(await redis.xpending(k, 'workers', '-', '+', 10)).toEqual([])
    expect(await redis.xreadgroup('workers', 'c1', k, '>')).toBeNull()
  })

  test('xgroup create on an existing group surfaces BUSYGROUP', async () => {
    const k = uniqueKey('x-busy')
    await redis.xadd(k, '*', { a: 1 })
    await redis.xgroup(k, { type: 'CREATE', group: 'g', id: '$' })
    await expect(redis.xgroup(k, { type: 'CREATE', group: 'g', id: '$' })).rejects.toThrow(/BUSYGROUP/)
  })
})
