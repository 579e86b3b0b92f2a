'use strict'
// Lua scripts through the official SDK, including the Upstash-only `#!lua flags=allow-key-locking`
// shebang (the gateway strips the flag and answers EVALSHA for the original script's SHA-1).
const crypto = require('node:crypto')
const { Ratelimit } = require('@upstash/ratelimit')
const { uniqueKey } = require('../support')
const { sdk, sha1 } = require('./support')

const redis = sdk()
// A fresh comment makes each script text (and SHA) unique, so no run sees a script cached by another.
const fresh = (body, shebang = '') => `${shebang ? `${shebang}\n` : ''}-- ${crypto.randomUUID()}\n${body}`
const LOCKING = '#!lua flags=allow-key-locking'

describe('SDK scripts', () => {
  test('eval with keys and args', async () => {
    const k = uniqueKey('lua')
    const script =
      "redis.call('SET', KEYS[1], ARGV[1]); return {KEYS[1], redis.call('GET', KEYS[1]), tonumber(ARGV[2]) + 1}"
    expect(await redis.eval(script, [k], ['stored, "q"', 41])).toEqual([k, 'stored, "q"', 42])
    expect(await redis.get(k)).toBe('stored, "q"')
  })

  test('evalsha of an unknown script surfaces NOSCRIPT', async () => {
    await expect(redis.evalsha(sha1(fresh('return 1')), [], [])).rejects.toThrow(/NOSCRIPT No matching script/)
  })

  test('scriptLoad returns the SHA-1, then evalsha runs it', async () => {
    const script = fresh("return 'loaded ' .. ARGV[1]")
    const sha = await redis.scriptLoad(script)
    expect(sha).toBe(sha1(script))
    expect(await redis.evalsha(sha, [], ['ok'])).toBe('loaded ok')
  })

  test('createScript().exec: EVALSHA, NOSCRIPT fallback to EVAL, then cached', async () => {
    const k = uniqueKey('lua-script')
    const script = redis.createScript(fresh("return redis.call('INCRBY', KEYS[1], ARGV[1])"))
    const sha = sha1(script.script)
    expect(await redis.scriptExists(sha)).toEqual([0])
    expect(await script.exec([k], [5])).toBe(5)
    expect(await redis.scriptExists(sha)).toEqual([1])
    expect(await script.exec([k], [5])).toBe(10)
  })

  test('a script error surfaces with the Redis text', async () => {
    await expect(redis.eval("return redis.error_reply('MYERR custom failure')", [], [])).rejects.toThrow(
      /MYERR custom failure/,
    )
  })
})

describe('#!lua flags=allow-key-locking', () => {
  test('eval runs a flagged script', async () => {
    const k = uniqueKey('lock')
    const script = fresh("return redis.call('SET', KEYS[1], ARGV[1])", LOCKING)
    expect(await redis.eval(script, [k], ['v1'])).toBe('OK')
    expect(await redis.get(k)).toBe('v1')
  })

  test('after eval, evalsha with the SHA-1 of the ORIGINAL text works', async () => {
    const k = uniqueKey('lock-sha')
    const script = fresh("return redis.call('INCRBY', KEYS[1], ARGV[1])", LOCKING)
    expect(await redis.eval(script, [k], [1])).toBe(1)
    expect(await redis.evalsha(sha1(script), [k], [10])).toBe(11)
  })

  test('scriptLoad of a flagged script answers with the original SHA-1, usable by evalsha', async () => {
    const script = fresh("return 'flagged ' .. ARGV[1]", LOCKING)
    expect(await redis.scriptLoad(script)).toBe(sha1(script))
    expect(await redis.evalsha(sha1(script), [], ['x'])).toBe('flagged x')
  })

  test('createScript().exec with a flagged script, twice', async () => {
    const k = uniqueKey('lock-create')
    const script = redis.createScript(fresh("return redis.call('RPUSH', KEYS[1], ARGV[1])", LOCKING))
    expect(await script.exec([k], ['a'])).toBe(1)
    expect(await script.exec([k], ['b'])).toBe(2)
    expect(await redis.lrange(k, 0, -1)).toEqual(['a', 'b'])
  })

  test('flags Redis knows are kept (no-writes still forbids writes)', async () => {
    const k = uniqueKey('lock-nowrites')
    await redis.set(k, 'r')
    const reader = fresh("return redis.call('GET', KEYS[1])", '#!lua flags=allow-key-locking,no-writes')
    expect(await redis.eval(reader, [k], [])).toBe('r')
    const writer = fresh("return redis.call('SET', KEYS[1], 'w')", '#!lua flags=no-writes,allow-key-locking')
    await expect(redis.eval(writer, [k], [])).rejects.toThrow(/Write commands are not allowed from read-only scripts/)
    expect(await redis.get(k)).toBe('r')
  })

  test('@upstash/ratelimit slidingWindow(3, "10 s"): three pass, the fourth is limited', async () => {
    const ratelimit = new Ratelimit({
      redis,
      limiter: Ratelimit.slidingWindow(3, '10 s'),
      prefix: uniqueKey('rl'),
      ephemeralCache: false,
    })
    const id = 'user-1'
    // The limiter's windows are aligned to the clock; start well inside one so that all four calls
    // share it (across a boundary the previous window's single hit is weighted down to zero).
    const left = 10000 - (Date.now() % 10000)
    if (left < 4000) await new Promise((r) => setTimeout(r, left + 50))
    const results = []
    for (let i = 0; i < 4; i += 1) {
      const r = await ratelimit.limit(id)
      await r.pending
      results.push({ success: r.success, remaining: r.remaining })
    }
    expect(results).toEqual([
      { success: true, remaining: 2 },
      { success: true, remaining: 1 },
      { success: true, remaining: 0 },
      { success: false, remaining: 0 },
    ])
  })
})
