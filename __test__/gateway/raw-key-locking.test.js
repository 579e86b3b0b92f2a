'use strict'
// `#!lua flags=allow-key-locking` enforced as Upstash does: such a script may touch only the keys
// it declared in KEYS; any other key fails with Upstash's error. Scripts without the flag reach
// Redis byte for byte as sent. Raw HTTP, the official SDK and @upstash/ratelimit's own scripts.
const crypto = require('node:crypto')
const { Ratelimit } = require('@upstash/ratelimit')
const { uniqueKey } = require('../support')
const { cmd, pipeline, multiExec, expectError, expectResult, sdk, direct, sha1 } = require('./support')

// Upstash's text (features/key-locking.mdx); the key follows it.
const UNDECLARED = "ERR Dynamic keys are not allowed in Lua scripts when 'allow-key-locking' flag is set. Key was: "
const LOCKING = '#!lua flags=allow-key-locking'
// A fresh comment makes each script text (and SHA-1) unique, so no run sees another's cached script.
const fresh = (body, shebang = LOCKING) => `${shebang}\n-- ${crypto.randomUUID()}\n${body}`
const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

let redis
beforeAll(() => {
  redis = direct()
})
afterAll(async () => {
  await redis.quit()
})

describe('a key-locking script', () => {
  test('may touch the keys it declared, read and write, with call and pcall', async () => {
    const [a, b] = [uniqueKey('kl-a'), uniqueKey('kl-b')]
    const script = fresh(
      "redis.call('SET', KEYS[1], ARGV[1]); redis.pcall('RPUSH', KEYS[2], 'x'); return {redis.call('GET', KEYS[1]), redis.call('MGET', KEYS[1], KEYS[2])[1], redis.call('PING')}",
    )
    expectResult(await cmd(['EVAL', script, 2, a, b, 'v']), ['v', 'v', 'PONG'])
    expect(await redis.lrange(b, 0, -1)).toEqual(['x'])
  })

  test('redis.call on an undeclared key fails with the exact error, naming the key, and writes nothing', async () => {
    const [declared, other] = [uniqueKey('kl-declared'), uniqueKey('kl-other')]
    const script = fresh("redis.call('SET', KEYS[1], 'first')\nlocal r = redis.call('SET', ARGV[1], 'x')\nreturn r")
    const res = await cmd(['EVAL', script, 1, declared, other])
    expectError(res, 400)
    expect(res.json.error.startsWith(UNDECLARED + other)).toBe(true)
    // Redis's usual suffix names the script by the SHA-1 the client knows, at the user's own line.
    expect(res.json.error).toBe(`${UNDECLARED}${other} script: ${sha1(script)}, on @user_script:4.`)
    expect(await redis.get(other)).toBeNull()
    // What ran before the failing call stays done, as for any script error in Redis.
    expect(await redis.get(declared)).toBe('first')
  })

  test('redis.pcall on an undeclared key returns the exact error to the script, which goes on', async () => {
    const other = uniqueKey('kl-pcall')
    const script = fresh("local r = redis.pcall('GET', ARGV[1]); return {type(r), r.err, 'went on'}")
    expectResult(await cmd(['EVAL', script, 0, other]), ['table', UNDECLARED + other, 'went on'])
  })

  test('every key of a multi-key command is checked; nothing of it runs', async () => {
    const [a, stray] = [uniqueKey('kl-mset-a'), uniqueKey('kl-mset-stray')]
    const script = fresh("return redis.call('MSET', KEYS[1], '1', ARGV[1], '2')")
    const res = await cmd(['EVAL', script, 1, a, stray])
    expect(res.json.error.startsWith(UNDECLARED + stray)).toBe(true)
    expect(await redis.mget(a, stray)).toEqual([null, null])
  })

  test.each([
    ['_G.redis.call', "return _G.redis.call('SET', ARGV[1], 'x')"],
    [
      "_G['redis'].pcall",
      "local r = _G['redis'].pcall('SET', ARGV[1], 'x') if r.err then return redis.error_reply(r.err) end return r",
    ],
    ["rawget(_G, 'redis').call", "return rawget(_G, 'redis').call('SET', ARGV[1], 'x')"],
    [
      'getmetatable(redis).__index.call',
      "local m = getmetatable(redis) return (type(m) == 'table' and m.__index or redis).call('SET', ARGV[1], 'x')",
    ],
    [
      'getmetatable(_G).__index.redis.call',
      "local m = getmetatable(_G) return (type(m) == 'table' and m.__index or _G).redis.call('SET', ARGV[1], 'x')",
    ],
  ])('the global redis reached through %s is checked too', async (_name, body) => {
    const other = uniqueKey('kl-global')
    const res = await cmd(['EVAL', fresh(body), 0, other])
    expectError(res, 400)
    expect(res.json.error.startsWith(UNDECLARED + other)).toBe(true)
    expect(await redis.get(other)).toBeNull()
    // Globals stay read-only, as Redis keeps them, and other globals stay reachable.
    expectResult(await cmd(['EVAL', fresh("return {type(_G.cjson), type(rawget(_G, 'string'))}"), 0]), [
      'table',
      'table',
    ])
    expect((await cmd(['EVAL', fresh('_G.made_up = 1 return 1'), 0])).status).toBe(400)
  })

  test('commands without keys run; Redis errors keep their text and the user line number', async () => {
    expectResult(await cmd(['EVAL', fresh("return {redis.call('PING'), #redis.call('TIME')}"), 0]), ['PONG', 2])
    const script = fresh("local x = 1\nlocal r = redis.call('NOSUCHCOMMAND')\nreturn r")
    const res = await cmd(['EVAL', script, 0])
    expect(res.json.error).toBe(
      `ERR Unknown Redis command called from script script: ${sha1(script)}, on @user_script:4.`,
    )
  })

  test('SCRIPT LOAD answers the client SHA-1; EVALSHA and SCRIPT EXISTS know it; the check still holds', async () => {
    const [k, other] = [uniqueKey('kl-sha'), uniqueKey('kl-sha-other')]
    // A tail call (`return redis.call(…)`): Lua keeps no caller frame, so the line is the checks' (2).
    const script = fresh("return redis.call('INCRBY', ARGV[1], 1)")
    expectResult(await cmd(['SCRIPT', 'LOAD', script]), sha1(script))
    expectResult(await cmd(['SCRIPT', 'EXISTS', sha1(script), sha1('never loaded')]), [1, 0])
    expectResult(await cmd(['EVALSHA', sha1(script), 1, k, k]), 1)
    const res = await cmd(['EVALSHA', sha1(script), 1, k, other])
    expect(res.json.error).toBe(`${UNDECLARED}${other} script: ${sha1(script)}, on @user_script:2.`)
    expect(await redis.get(other)).toBeNull()
  })

  test('EVAL_RO and EVALSHA_RO with allow-key-locking,no-writes', async () => {
    const [k, other] = [uniqueKey('kl-ro'), uniqueKey('kl-ro-other')]
    await redis.set(k, 'r')
    await redis.set(other, 'o')
    const script = fresh("return redis.call('GET', ARGV[1])", '#!lua flags=allow-key-locking,no-writes')
    expectResult(await cmd(['EVAL_RO', script, 1, k, k]), 'r')
    expect((await cmd(['EVAL_RO', script, 1, k, other])).json.error.startsWith(UNDECLARED + other)).toBe(true)
    expectResult(await cmd(['EVALSHA_RO', sha1(script), 1, k, k]), 'r')
    expect((await cmd(['EVALSHA_RO', sha1(script), 1, k, other])).json.error.startsWith(UNDECLARED + other)).toBe(true)
  })

  test('in a pipeline and a transaction, the failure stays in its slot', async () => {
    const [k, other] = [uniqueKey('kl-pipe'), uniqueKey('kl-pipe-other')]
    const script = fresh("return redis.call('INCR', ARGV[1])")
    const piped = await pipeline([
      ['EVAL', script, 1, k, k],
      ['EVAL', script, 1, k, other],
    ])
    expect(piped.json[0]).toEqual({ result: 1 })
    expect(piped.json[1].error).toMatch(new RegExp(`^${escapeRe(UNDECLARED + other)} script: ${sha1(script)}`))
    const tx = await multiExec([
      ['EVALSHA', sha1(script), 1, k, k],
      ['EVALSHA', sha1(script), 1, k, other],
    ])
    expect(tx.json[0]).toEqual({ result: 2 })
    expect(tx.json[1].error).toMatch(new RegExp(`^${escapeRe(UNDECLARED + other)} script: ${sha1(script)}`))
    expect(await redis.get(other)).toBeNull()
  })
})

describe('the same error through the clients', () => {
  test('the official SDK: eval and createScript reject with the exact text; declared keys run', async () => {
    const client = sdk()
    const [k, other] = [uniqueKey('kl-sdk'), uniqueKey('kl-sdk-other')]
    const script = fresh("local r = redis.call('INCR', ARGV[1])\nreturn r")
    expect(await client.eval(script, [k], [k])).toBe(1)
    await expect(client.eval(script, [k], [other])).rejects.toThrow(UNDECLARED + other)
    const created = client.createScript(script)
    expect(await created.exec([k], [k])).toBe(2)
    await expect(created.exec([k], [other])).rejects.toThrow(UNDECLARED + other)
    expect(await redis.get(other)).toBeNull()
  })

  test('our client: a ReplyError with the exact text, for eval, evalsha and defineCommand', async () => {
    const Redis = require('../..')
    const { url, token } = require('../support').env()
    const client = new Redis({ url, token })
    try {
      const [k, other] = [uniqueKey('kl-ours'), uniqueKey('kl-ours-other')]
      const script = fresh("local r = redis.call('INCR', ARGV[1])\nreturn r")
      expect(await client.eval(script, 1, k, k)).toBe(1)
      const error = await client.eval(script, 1, k, other).catch((e) => e)
      expect(error).toBeInstanceOf(Redis.ReplyError)
      expect(error.message).toBe(`${UNDECLARED}${other} script: ${sha1(script)}, on @user_script:3.`)
      expect(await client.evalsha(sha1(script), 1, k, k)).toBe(2)
      client.defineCommand('lockedIncr', { numberOfKeys: 1, lua: script })
      expect(await client.lockedIncr(k, k)).toBe(3)
      expect((await client.lockedIncr(k, other).catch((e) => e)).message.startsWith(UNDECLARED + other)).toBe(true)
      expect(await redis.get(other)).toBeNull()
    } finally {
      client.disconnect()
    }
  })

  test('Upstash-Response-Format: resp2 carries the same error bytes, with the client SHA-1', async () => {
    const other = uniqueKey('kl-resp2')
    const script = fresh("local r = redis.call('GET', ARGV[1])\nreturn r")
    const res = await cmd(['EVAL', script, 0, other], { headers: { 'upstash-response-format': 'resp2' } })
    expect(res.status).toBe(400)
    expect(res.body.toString()).toBe(`-${UNDECLARED}${other} script: ${sha1(script)}, on @user_script:3.\r\n`)
  })
})

describe('scripts without the flag', () => {
  test('reach Redis byte for byte: Redis knows them by the SHA-1 of the text sent', async () => {
    for (const shebang of [null, '#!lua', '#!lua flags=no-writes']) {
      const body = `return redis.call('EXISTS', ARGV[1])`
      const script = shebang ? `${shebang}\n-- ${crypto.randomUUID()}\n${body}` : `-- ${crypto.randomUUID()}\n${body}`
      // Undeclared keys are Redis's business here: no check.
      expectResult(await cmd(['EVAL', script, 0, uniqueKey('kl-plain')]), 0)
      expect(await redis.script('EXISTS', sha1(script))).toEqual([1])
    }
  })

  test('a flagged script is what Redis does not hold under the client SHA-1 (it holds the checked one)', async () => {
    const script = fresh('return 1')
    expectResult(await cmd(['EVAL', script, 0]), 1)
    expect(await redis.script('EXISTS', sha1(script))).toEqual([0])
  })
})

describe('@upstash/ratelimit (its scripts carry the flag) through the gateway', () => {
  const client = sdk()

  test.each([
    ['fixedWindow', () => Ratelimit.fixedWindow(2, '30 s')],
    ['slidingWindow', () => Ratelimit.slidingWindow(2, '30 s')],
    ['tokenBucket', () => Ratelimit.tokenBucket(1, '30 s', 2)],
  ])('%s: limits, getRemaining and resetUsedTokens all run under key locking', async (_, limiter) => {
    const ratelimit = new Ratelimit({
      redis: client,
      limiter: limiter(),
      prefix: uniqueKey('kl-rl'),
      ephemeralCache: false,
    })
    const seen = []
    for (let i = 0; i < 3; i++) {
      const r = await ratelimit.limit('user')
      await r.pending
      seen.push(r.success)
    }
    // The clock may cross a window boundary between calls; at least the cap is reached.
    expect(seen.slice(0, 2)).toEqual([true, true])
    expect((await ratelimit.getRemaining('user')).remaining).toBeLessThanOrEqual(1)
    await ratelimit.resetUsedTokens('user')
    expect((await ratelimit.getRemaining('user')).remaining).toBe(2)
  })
})
