'use strict'
// Our RateLimit against the real @upstash/ratelimit (through the official @upstash/redis SDK, on the
// same gateway and the same keys): each decides on state the other wrote, at window edges, in
// both directions. Both read the clock with Date.now(), which these tests pin to exact instants.
const net = require('node:net')
const IORedis = require('ioredis')
const { Redis: UpstashRedis } = require('@upstash/redis')
const { Ratelimit } = require('@upstash/ratelimit')
const Redis = require('../..')
const { RateLimit, RateLimitUnreachableError } = require('../../lib/blocks')
const { Script } = require('../../lib/blocks/scripts.js')
const scripts = require('../../lib/blocks/rate-limit-scripts.js')
const { env, uniqueKey } = require('../support')

let redis
let upstashRedis
let direct
beforeAll(() => {
  const { url, token, redisUrl } = env()
  redis = new Redis({ url, token })
  upstashRedis = new UpstashRedis({ url, token, enableTelemetry: false })
  direct = new IORedis(redisUrl)
})
afterAll(async () => {
  await Promise.all([redis.quit(), direct.quit()])
})

/** A client whose method calls are recorded (name and first argument) before they run for real. */
function recorded(client) {
  const calls = []
  const proxy = new Proxy(client, {
    get(target, name) {
      const value = target[name]
      if (typeof value !== 'function') return value
      return (...args) => {
        calls.push([name, args[0]])
        return value.apply(target, args)
      }
    },
  })
  return { proxy, calls }
}

const ALGORITHMS = {
  fixedWindow: { ours: () => RateLimit.fixedWindow(5, '60 s'), theirs: () => Ratelimit.fixedWindow(5, '60 s') },
  slidingWindow: { ours: () => RateLimit.slidingWindow(10, '60 s'), theirs: () => Ratelimit.slidingWindow(10, '60 s') },
  tokenBucket: { ours: () => RateLimit.tokenBucket(2, '10 s', 5), theirs: () => Ratelimit.tokenBucket(2, '10 s', 5) },
}

function pair(algorithm, prefix = uniqueKey('rl')) {
  const ours = new RateLimit(redis, { limiter: ALGORITHMS[algorithm].ours(), prefix, whenUnreachable: 'deny' })
  const theirs = new Ratelimit({
    redis: upstashRedis,
    limiter: ALGORITHMS[algorithm].theirs(),
    prefix,
    ephemeralCache: false,
  })
  return { ours, theirs, prefix }
}

/** Runs `fn` with Date.now() pinned to `t` (both libraries take their clock from it). */
async function at(t, fn) {
  const spy = jest.spyOn(Date, 'now').mockReturnValue(t)
  try {
    return await fn()
  } finally {
    spy.mockRestore()
  }
}

/** `count` calls alternating between the two limiters, `first` starting; the decisions in order. */
async function alternate(limiters, first, count, id) {
  const order = first === 'ours' ? [limiters.ours, limiters.theirs] : [limiters.theirs, limiters.ours]
  const out = []
  for (let i = 0; i < count; i += 1) {
    const { success, limit, remaining, reset } = await order[i % 2].limit(id)
    out.push({ success, limit, remaining, reset })
  }
  return out
}

const ok = (remaining, limit, reset) => ({ success: true, limit, remaining, reset })
const no = (limit, reset) => ({ success: false, limit, remaining: 0, reset })

// A window boundary in the near future (keys' PEXPIRE runs on the real clock, so stay close to it).
const boundary = (windowMs) => (Math.floor(Date.now() / windowMs) + 1) * windowMs

test('the scripts are @upstash/ratelimit 2.2.0 byte for byte: the SHA-1s it sends are ours', async () => {
  const { proxy, calls } = recorded(upstashRedis)
  for (const algorithm of Object.keys(ALGORITHMS)) {
    const theirs = new Ratelimit({
      redis: proxy,
      limiter: ALGORITHMS[algorithm].theirs(),
      prefix: uniqueKey('rl'),
      ephemeralCache: false,
    })
    await theirs.limit('id')
    await theirs.getRemaining('id')
  }
  const sent = calls.filter(([name]) => name === 'evalsha').map(([, sha]) => sha)
  expect(sent).toEqual([
    scripts.fixedWindowLimit.sha,
    scripts.fixedWindowRemaining.sha,
    scripts.slidingWindowLimit.sha,
    scripts.slidingWindowRemaining.sha,
    scripts.tokenBucketLimit.sha,
    scripts.tokenBucketRemaining.sha,
  ])
})

describe.each(['ours', 'upstash'])('parity on shared keys, %s first', (first) => {
  test('fixed window: the last instant of a window, then the first of the next', async () => {
    const limiters = pair('fixedWindow')
    const B = boundary(60000)
    expect(await at(B - 1, () => alternate(limiters, first, 7, 'u'))).toEqual([
      ok(4, 5, B),
      ok(3, 5, B),
      ok(2, 5, B),
      ok(1, 5, B),
      ok(0, 5, B),
      no(5, B),
      no(5, B),
    ])
    expect(await at(B, () => alternate(limiters, first, 2, 'u'))).toEqual([ok(4, 5, B + 60000), ok(3, 5, B + 60000)])
    const remaining = await at(B + 1, () =>
      Promise.all([limiters.ours.getRemaining('u'), limiters.theirs.getRemaining('u')]),
    )
    expect(remaining[0]).toEqual({ remaining: 3, limit: 5, reset: B + 60000 })
    expect(remaining[1]).toEqual(remaining[0])
    expect(await direct.get(`${limiters.prefix}:u:${B / 60000}`)).toBe('2')
  })

  test('sliding window: the previous window weighs in by its overlap', async () => {
    const limiters = pair('slidingWindow')
    const B = boundary(60000)
    const R = B + 60000
    const tenInARow = await at(B - 1, () => alternate(limiters, first, 12, 'u'))
    expect(tenInARow.slice(0, 10).map((d) => d.remaining)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0])
    expect(tenInARow.slice(10)).toEqual([no(10, B), no(10, B)])
    // First instant of the next window: the previous one still counts fully.
    expect(await at(B, () => alternate(limiters, first, 2, 'u'))).toEqual([no(10, R), no(10, R)])
    // Halfway: floor(0.5 × 10) = 5 of the previous window count.
    expect(await at(B + 30000, () => alternate(limiters, first, 6, 'u'))).toEqual([
      ok(4, 10, R),
      ok(3, 10, R),
      ok(2, 10, R),
      ok(1, 10, R),
      ok(0, 10, R),
      no(10, R),
    ])
    // At 80 %: (1 − 0.8) × 10 is 1.999… in floating point, so 1 of the previous window counts (the
    // script's arithmetic, the same in both), plus the 5 of this window.
    expect(await at(B + 48000, () => alternate(limiters, first, 5, 'u'))).toEqual([
      ok(3, 10, R),
      ok(2, 10, R),
      ok(1, 10, R),
      ok(0, 10, R),
      no(10, R),
    ])
    const remaining = await at(B + 59999, () =>
      Promise.all([limiters.ours.getRemaining('u'), limiters.theirs.getRemaining('u')]),
    )
    // The window's last instant: the previous window no longer counts, this one holds 9.
    expect(remaining[0]).toEqual({ remaining: 1, limit: 10, reset: R })
    expect(remaining[1]).toEqual(remaining[0])
  })

  test('token bucket: empty, one millisecond before the refill, at it, and several intervals later', async () => {
    const limiters = pair('tokenBucket')
    const t0 = Date.now()
    expect(await at(t0, () => alternate(limiters, first, 6, 'u'))).toEqual([
      ok(4, 5, t0 + 10000),
      ok(3, 5, t0 + 10000),
      ok(2, 5, t0 + 10000),
      ok(1, 5, t0 + 10000),
      ok(0, 5, t0 + 10000),
      no(5, t0 + 10000),
    ])
    expect(await at(t0 + 9999, () => alternate(limiters, first, 2, 'u'))).toEqual([
      no(5, t0 + 10000),
      no(5, t0 + 10000),
    ])
    expect(await at(t0 + 10000, () => alternate(limiters, first, 3, 'u'))).toEqual([
      ok(1, 5, t0 + 20000),
      ok(0, 5, t0 + 20000),
      no(5, t0 + 20000),
    ])
    // Two more intervals: +4 tokens, capped at 5; refilledAt moves by whole intervals.
    expect(await at(t0 + 35000, () => alternate(limiters, first, 2, 'u'))).toEqual([
      ok(3, 5, t0 + 40000),
      ok(2, 5, t0 + 40000),
    ])
    const remaining = await at(t0 + 35001, () =>
      Promise.all([limiters.ours.getRemaining('u'), limiters.theirs.getRemaining('u')]),
    )
    expect(remaining[0]).toEqual({ remaining: 2, limit: 5, reset: t0 + 40000 })
    expect(remaining[1]).toEqual(remaining[0])
  })
})

test('real clock: alternating calls across several fixed windows — in each, the first 3 pass, then none', async () => {
  const prefix = uniqueKey('rl')
  const ours = new RateLimit(redis, { limiter: RateLimit.fixedWindow(3, '1 s'), prefix, whenUnreachable: 'deny' })
  const theirs = new Ratelimit({
    redis: upstashRedis,
    limiter: Ratelimit.fixedWindow(3, '1 s'),
    prefix,
    ephemeralCache: false,
  })
  const results = []
  const until = Date.now() + 3500
  for (let i = 0; Date.now() < until; i += 1) {
    const at = Date.now()
    const { success, reset } = await (i % 2 ? ours : theirs).limit('u')
    results.push({ at, success, reset })
    await new Promise((resolve) => setTimeout(resolve, 40))
  }
  // Grouped by the window each decision was made in (its reset), however the machine's load spread
  // them. A call made in a window's last moments may run its script after the window's key expired
  // (the key lives `window` from its first hit; the same in both libraries), so those are not judged.
  const windows = new Map()
  for (const r of results) windows.set(r.reset, [...(windows.get(r.reset) || []), r])
  expect(windows.size).toBeGreaterThanOrEqual(3)
  for (const [reset, decisions] of windows) {
    const judged = decisions.filter((d, i) => i < 3 || d.at < reset - 250)
    expect(judged.map((d) => d.success)).toEqual(judged.map((_, i) => i < 3))
  }
})

test('a negative rate refunds, on either side', async () => {
  const limiters = pair('fixedWindow')
  const B = boundary(60000)
  await at(B + 10, async () => {
    await limiters.theirs.limit('u', { rate: 5 })
    expect((await limiters.ours.limit('u')).success).toBe(false)
    expect(await limiters.ours.limit('u', { rate: -2 })).toMatchObject({ success: true, remaining: 1 })
    expect(await limiters.theirs.limit('u')).toMatchObject({ success: true, remaining: 0 })
  })
})

test('resetUsedTokens forgets an identifier, for both libraries', async () => {
  for (const algorithm of Object.keys(ALGORITHMS)) {
    const limiters = pair(algorithm)
    for (let i = 0; i < 12; i += 1) await limiters.theirs.limit('u')
    expect((await limiters.ours.limit('u')).success).toBe(false)
    await limiters.ours.resetUsedTokens('u')
    expect((await limiters.theirs.limit('u')).success).toBe(true)
    expect((await limiters.ours.limit('u')).success).toBe(true)
  }
})

test('concurrent requests: exactly the limit passes (the script is atomic)', async () => {
  const ours = new RateLimit(redis, {
    limiter: RateLimit.slidingWindow(10, '60 s'),
    prefix: uniqueKey('rl'),
    whenUnreachable: 'deny',
  })
  const results = await Promise.all(Array.from({ length: 40 }, () => ours.limit('burst')))
  expect(results.filter((r) => r.success)).toHaveLength(10)
})

test('dynamic limits set through @upstash/ratelimit apply to ours', async () => {
  const prefix = uniqueKey('rl')
  const theirs = new Ratelimit({
    redis: upstashRedis,
    limiter: Ratelimit.fixedWindow(5, '60 s'),
    prefix,
    ephemeralCache: false,
    dynamicLimits: true,
  })
  const ours = new RateLimit(redis, {
    limiter: RateLimit.fixedWindow(5, '60 s'),
    prefix,
    whenUnreachable: 'deny',
    dynamicLimits: true,
  })
  await theirs.setDynamicLimit({ limit: 2 })
  expect((await ours.limit('u')).limit).toBe(2)
  await ours.limit('u')
  expect(await ours.limit('u')).toMatchObject({ success: false, limit: 2 })
})

describe('scripts run by EVALSHA, with EVAL when the server answers NOSCRIPT', () => {
  test('our limiter sends EVALSHA with the shared SHA-1', async () => {
    const { proxy, calls } = recorded(redis)
    const ours = new RateLimit(proxy, {
      limiter: RateLimit.tokenBucket(1, '1 s', 3),
      prefix: uniqueKey('rl'),
      whenUnreachable: 'deny',
    })
    await ours.limit('u')
    expect(calls[0]).toEqual(['evalsha', scripts.tokenBucketLimit.sha])
  })

  test('an unknown script: EVALSHA → NOSCRIPT → EVAL, then EVALSHA alone', async () => {
    const { proxy, calls } = recorded(redis)
    const script = new Script(`-- ${uniqueKey('fresh')}\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])`)
    const key = uniqueKey('counter')
    expect(await script.run(proxy, [key], [2])).toBe(2)
    expect(calls.map(([name]) => name)).toEqual(['evalsha', 'eval'])
    expect(await script.run(proxy, [key], [3])).toBe(5)
    expect(calls.map(([name]) => name)).toEqual(['evalsha', 'eval', 'evalsha'])
  })

  test('works on ioredis straight to redis-server too: without the Upstash-only shebang flag', async () => {
    const ours = new RateLimit(direct, {
      limiter: RateLimit.fixedWindow(1, '60 s'),
      prefix: uniqueKey('rl'),
      whenUnreachable: 'deny',
    })
    expect((await ours.limit('u')).success).toBe(true)
    expect((await ours.limit('u')).success).toBe(false)
  })
})

describe('when Redis is unreachable: the chosen policy, visibly', () => {
  let closedPort
  let stalled
  let stalledPort
  const sockets = new Set()
  beforeAll(async () => {
    const probe = net.createServer()
    await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve))
    closedPort = probe.address().port
    await new Promise((resolve) => probe.close(resolve))
    // Accepts connections and never answers: a hung endpoint (cannot be had from a real server).
    stalled = net.createServer((socket) => {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
    })
    await new Promise((resolve) => stalled.listen(0, '127.0.0.1', resolve))
    stalledPort = stalled.address().port
  })
  afterAll(async () => {
    for (const socket of sockets) socket.destroy()
    await new Promise((resolve) => stalled.close(resolve))
  })

  function limiter(port, whenUnreachable, extra = {}, clientOptions = {}) {
    const client = new Redis({
      url: `http://127.0.0.1:${port}`,
      token: 'unused-token',
      maxRetriesPerRequest: 0,
      ...clientOptions,
    })
    const errors = []
    const limit = new RateLimit(client, {
      limiter: RateLimit.slidingWindow(10, '10 s'),
      whenUnreachable,
      onError: (e) => errors.push(e),
      ...extra,
    })
    return { limit, errors, client }
  }

  test.each([
    ['deny', false],
    ['allow', true],
  ])("whenUnreachable '%s'", async (policy, success) => {
    const { limit, errors, client } = limiter(closedPort, policy)
    try {
      const result = await limit.limit('u')
      expect(result).toMatchObject({ success, limit: 10, remaining: 0, reason: 'unreachable' })
      expect(result.error).toBeInstanceOf(RateLimitUnreachableError)
      expect(result.reset).toBeGreaterThan(Date.now())
      expect(errors).toEqual([result.error])
    } finally {
      client.disconnect()
    }
  })

  test("whenUnreachable 'throw' rejects", async () => {
    const { limit, client } = limiter(closedPort, 'throw')
    try {
      await expect(limit.limit('u')).rejects.toThrow(RateLimitUnreachableError)
    } finally {
      client.disconnect()
    }
  })

  test('a hung endpoint is unreachable after timeoutMs, not after the HTTP timeout', async () => {
    const { limit, errors, client } = limiter(stalledPort, 'deny', { timeoutMs: 300 })
    try {
      const started = Date.now()
      expect(await limit.limit('u')).toMatchObject({ success: false, reason: 'unreachable' })
      expect(Date.now() - started).toBeLessThan(10000)
      expect(errors[0].cause.code).toBe('ETIMEDOUT')
    } finally {
      client.disconnect()
    }
  })

  test("the client's own commandTimeout (a TimeoutError, ETIMEDOUT_MAYBE_APPLIED) is unreachable too", async () => {
    const { limit, errors, client } = limiter(stalledPort, 'deny', { timeoutMs: 10000 }, { commandTimeout: 200 })
    try {
      expect(await limit.limit('u')).toMatchObject({ success: false, reason: 'unreachable' })
      expect(errors[0].cause).toBeInstanceOf(Redis.TimeoutError)
      expect(errors[0].cause.code).toBe('ETIMEDOUT_MAYBE_APPLIED')
    } finally {
      client.disconnect()
    }
  })

  test('a Redis error reply is a bug, not an outage: it rejects whatever the policy', async () => {
    const prefix = uniqueKey('rl')
    await direct.set(`${prefix}:u`, 'not a hash')
    const ours = new RateLimit(redis, { limiter: RateLimit.tokenBucket(1, '1 s', 1), prefix, whenUnreachable: 'allow' })
    await expect(ours.limit('u')).rejects.toThrow(/WRONGTYPE/)
  })
})

describe('bad input', () => {
  test('the policy must be chosen', () => {
    expect(() => new RateLimit(redis, { limiter: RateLimit.fixedWindow(1, '1 s') })).toThrow(
      /whenUnreachable must be chosen/,
    )
    expect(() => new RateLimit(redis, { limiter: RateLimit.fixedWindow(1, '1 s'), whenUnreachable: 'open' })).toThrow(
      TypeError,
    )
    expect(() => new RateLimit(redis, { limiter: { algorithm: 'leaky' }, whenUnreachable: 'deny' })).toThrow(TypeError)
  })

  test('limiter parameters', () => {
    expect(() => RateLimit.fixedWindow(0, '1 s')).toThrow(RangeError)
    expect(() => RateLimit.slidingWindow(1.5, '1 s')).toThrow(RangeError)
    expect(() => RateLimit.slidingWindow(1, '10 seconds')).toThrow(/must be like "10 s"/)
    expect(() => RateLimit.slidingWindow(1, 0)).toThrow(RangeError)
    expect(() => RateLimit.tokenBucket(1, '0.1 ms', 1)).toThrow(/at least 1 ms/)
    expect(RateLimit.fixedWindow(1, '1.5 m').windowMs).toBe(90000)
    expect(RateLimit.fixedWindow(1, 2500).windowMs).toBe(2500)
  })

  test('identifiers and rates', async () => {
    const ours = new RateLimit(redis, {
      limiter: RateLimit.fixedWindow(1, '1 s'),
      prefix: uniqueKey('rl'),
      whenUnreachable: 'deny',
    })
    await expect(ours.limit('')).rejects.toThrow(TypeError)
    await expect(ours.limit(undefined)).rejects.toThrow(TypeError)
    await expect(ours.limit('u', { rate: 1.5 })).rejects.toThrow(RangeError)
    await expect(ours.limit('u', { rate: '2' })).rejects.toThrow(RangeError)
    await expect(ours.limit('u', { tokens: 2 })).rejects.toThrow(/unknown tokens/)
    await expect(ours.limit('u', 2)).rejects.toThrow(/must be an object/)
    expect(
      () => new RateLimit(redis, { limiter: RateLimit.fixedWindow(1, '1 s'), whenUnreachable: 'deny', timeout: 1 }),
    ).toThrow(/unknown timeout/)
  })
})
