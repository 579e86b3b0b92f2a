'use strict'
const IORedis = require('ioredis')
const Redis = require('../..')
const { QueryCache } = require('../../lib/blocks')
const { env, uniqueKey } = require('../support')

let redis
let other // a second client instance: another process as far as the cache can tell
let direct // ioredis straight to redis-server, to look at and plant keys
beforeAll(() => {
  const { url, token, redisUrl } = env()
  redis = new Redis({ url, token })
  other = new Redis({ url, token })
  direct = new IORedis(redisUrl)
})
afterAll(async () => {
  await Promise.all([redis.quit(), other.quit(), direct.quit()])
})

function caches(options = {}) {
  const prefix = uniqueKey('cache') + ':'
  const reports = []
  const make = (client) =>
    new QueryCache(client, { prefix, ttlSeconds: 30, onError: (e) => reports.push(e), ...options })
  return { cache: make(redis), second: make(other), prefix, reports }
}

const keysUnder = (prefix) => direct.keys(`${prefix}*`)
const valueKey = (prefix, key) => `${prefix}value:${key}`

/** A loader whose result the test hands over when it wants; counts its calls. */
function gate() {
  const loader = jest.fn(() => new Promise((resolve) => loader.resolvers.push(resolve)))
  loader.resolvers = []
  loader.until = async (n) => {
    for (let i = 0; i < 500 && loader.resolvers.length < n; i += 1) await new Promise((r) => setTimeout(r, 10))
    expect(loader.resolvers.length).toBeGreaterThanOrEqual(n)
  }
  return loader
}

test('a miss runs the loader and stores; the next read is a hit of the same shape', async () => {
  const { cache, prefix } = caches()
  const loader = jest.fn(async () => ({ rows: [{ id: 1, title: 'Fragment' }], at: new Date(0) }))
  const first = await cache.fetch('projects:user:1', loader)
  // The miss already gives the JSON round trip: a Date is its ISO string, as on every later hit.
  expect(first).toEqual({
    value: { rows: [{ id: 1, title: 'Fragment' }], at: '1970-01-01T00:00:00.000Z' },
    hit: false,
    stale: false,
  })
  const second = await cache.fetch('projects:user:1', loader)
  expect(second).toEqual({ value: first.value, hit: true, stale: false })
  expect(loader).toHaveBeenCalledTimes(1)
  const ttl = await direct.ttl(valueKey(prefix, 'projects:user:1'))
  expect(ttl).toBeGreaterThan(0)
  expect(ttl).toBeLessThanOrEqual(30)
})

test('concurrent misses in one process share one loader call', async () => {
  const { cache } = caches()
  const loader = jest.fn(() => new Promise((resolve) => setTimeout(() => resolve(loader.mock.calls.length), 50)))
  const results = await Promise.all(Array.from({ length: 10 }, () => cache.fetch('slow', loader)))
  expect(loader).toHaveBeenCalledTimes(1)
  expect(results.every((r) => r.value === 1)).toBe(true)
})

test('100 concurrent misses across two client instances: one loader call', async () => {
  const { cache, second } = caches()
  const loader = jest.fn(() => new Promise((resolve) => setTimeout(() => resolve({ report: 'expensive' }), 200)))
  const results = await Promise.all(
    Array.from({ length: 100 }, (_, i) => (i % 2 ? cache : second).fetch('stampede', loader)),
  )
  expect(loader).toHaveBeenCalledTimes(1)
  expect(results.every((r) => r.value.report === 'expensive')).toBe(true)
  expect(results.filter((r) => !r.hit).length).toBeGreaterThan(0)
})

test('a lock left by a dead loader holds waiters only for lockMs, then they load', async () => {
  const { cache, prefix } = caches({ lockMs: 400 })
  await direct.set(`${prefix}lock:orphan`, 'someone-gone', 'PX', 60000)
  const started = Date.now()
  expect(await cache.fetch('orphan', async () => 'loaded')).toEqual({ value: 'loaded', hit: false, stale: false })
  expect(Date.now() - started).toBeGreaterThanOrEqual(390)
  expect(await cache.fetch('orphan', async () => 'again')).toMatchObject({ value: 'loaded', hit: true })
})

describe('loader errors and values JSON cannot carry are never cached', () => {
  test('a failing loader stores nothing; the next fetch loads again', async () => {
    const { cache, prefix } = caches()
    await expect(cache.fetch('bad', async () => Promise.reject(new Error('db down')))).rejects.toThrow('db down')
    expect(await keysUnder(prefix)).toEqual([])
    expect(await cache.fetch('bad', async () => 'up')).toEqual({ value: 'up', hit: false, stale: false })
  })

  test('when the lock holder fails, a waiter in another process takes over at once', async () => {
    const { cache, second } = caches()
    const failing = gate()
    const first = cache.fetch('k', failing)
    await failing.until(1)
    const waiting = second.fetch('k', async () => 'from the second')
    await new Promise((r) => setTimeout(r, 100))
    failing.resolvers[0](Promise.reject(new Error('boom')))
    await expect(first).rejects.toThrow('boom')
    expect(await waiting).toEqual({ value: 'from the second', hit: false, stale: false })
  })

  const circular = () => {
    const o = { a: 1 }
    o.self = o
    return o
  }
  test.each([
    ['a function', () => () => 1, /\$ is a function/],
    ['undefined', () => undefined, /\$ is undefined/],
    ['a BigInt', () => 10n, /\$ is a BigInt/],
    ['a circular object', circular, /\$\.self is a circular reference/],
    ['a function inside', () => ({ ok: 1, render() {} }), /\$\.render is a function/],
    ['a Map', () => new Map(), /\$ is a Map/],
  ])('a loader returning %s: a clear TypeError, nothing stored', async (_, make, message) => {
    const { cache, prefix } = caches()
    const error = await cache.fetch('k', async () => make()).catch((e) => e)
    expect(error).toBeInstanceOf(TypeError)
    expect(error.message).toMatch(message)
    expect(error.message).toContain('"k"')
    expect(await keysUnder(prefix)).toEqual([]) // nothing cached, and the lock was released
    expect(await cache.fetch('k', async () => 'fine')).toEqual({ value: 'fine', hit: false, stale: false })
  })
})

describe('invalidate() during an in-flight load', () => {
  test('a fetch after invalidate() resolved never gets the stale value, which is not written back', async () => {
    const { cache } = caches()
    const slow = gate()
    const inFlight = cache.fetch('k', slow)
    await slow.until(1)
    await cache.invalidate('k')
    const after = cache.fetch('k', async () => 'fresh')
    slow.resolvers[0]('stale')
    expect(await inFlight).toMatchObject({ value: 'stale', hit: false }) // began before: its own answer
    expect(await after).toEqual({ value: 'fresh', hit: false, stale: false })
    expect(await cache.fetch('k', async () => 'unused')).toEqual({ value: 'fresh', hit: true, stale: false })
  })

  test('across processes: the other process loading does not write back', async () => {
    const { cache, second } = caches()
    const slow = gate()
    const inFlight = second.fetch('k', slow)
    await slow.until(1)
    await cache.invalidate('k')
    slow.resolvers[0]('stale')
    await inFlight
    expect(await cache.fetch('k', async () => 'fresh')).toEqual({ value: 'fresh', hit: false, stale: false })
  })

  test('invalidateTags() during a load: the same', async () => {
    const { cache } = caches()
    const slow = gate()
    const inFlight = cache.fetch('k', slow, { tags: ['t'] })
    await slow.until(1)
    await cache.invalidateTags('t')
    const after = cache.fetch('k', async () => 'fresh', { tags: ['t'] })
    slow.resolvers[0]('stale')
    await inFlight
    expect(await after).toMatchObject({ value: 'fresh', hit: false })
    expect(await cache.fetch('k', async () => 'unused', { tags: ['t'] })).toMatchObject({ value: 'fresh', hit: true })
  })

  test('invalidate() counts what it deleted', async () => {
    const { cache } = caches()
    await cache.fetch('a', async () => 1)
    await cache.fetch('b', async () => 2)
    expect(await cache.invalidate('a', 'b', 'never-cached')).toBe(2)
    expect(await cache.invalidate()).toBe(0)
    expect(await cache.fetch('a', async () => 3)).toMatchObject({ value: 3, hit: false })
  })
})

describe('per-call options are validated before the loader runs', () => {
  test.each([0, 1.5, -1, '60', NaN, Infinity])('ttlSeconds %p', async (ttlSeconds) => {
    const { cache, prefix } = caches()
    const loader = jest.fn(async () => 'v')
    await expect(cache.fetch('k', loader, { ttlSeconds })).rejects.toThrow(/ttlSeconds must be a positive integer/)
    expect(loader).not.toHaveBeenCalled()
    expect(await keysUnder(prefix)).toEqual([])
  })

  test.each([
    [{ staleSeconds: -1 }, /staleSeconds/],
    [{ staleSeconds: 0.5 }, /staleSeconds/],
    [{ tags: 'user:1' }, /tags must be an array/],
    [{ tags: [''] }, /tag must be a non-empty string/],
    [{ tags: [7] }, /tag must be a non-empty string/],
  ])('%p', async (options, message) => {
    const { cache } = caches()
    const loader = jest.fn(async () => 'v')
    await expect(cache.fetch('k', loader, options)).rejects.toThrow(message)
    expect(loader).not.toHaveBeenCalled()
  })

  test('bad keys and loaders', async () => {
    const { cache } = caches()
    await expect(cache.fetch('', async () => 1)).rejects.toThrow(TypeError)
    await expect(cache.fetch(42, async () => 1)).rejects.toThrow(TypeError)
    await expect(cache.fetch('k', 'not a function')).rejects.toThrow(TypeError)
  })

  test('a per-call ttlSeconds is used', async () => {
    const { cache, prefix } = caches()
    await cache.fetch('k', async () => 1, { ttlSeconds: 500 })
    expect(await direct.ttl(valueKey(prefix, 'k'))).toBeGreaterThan(400)
  })

  test('constructor options', () => {
    expect(() => new QueryCache(redis, { ttlSeconds: 0 })).toThrow(RangeError)
    expect(() => new QueryCache(redis, { staleSeconds: -1 })).toThrow(RangeError)
    expect(() => new QueryCache(redis, { lockMs: 0 })).toThrow(RangeError)
    expect(() => new QueryCache(redis, { waitUntil: 'after' })).toThrow(TypeError)
  })
})

describe('stale-while-revalidate', () => {
  test('a stale entry is served at once and refreshed in the background', async () => {
    const background = []
    const { cache, prefix } = caches({ ttlSeconds: 60, staleSeconds: 30, waitUntil: (p) => background.push(p) })
    await cache.fetch('k', async () => 'old')
    await direct.pexpire(valueKey(prefix, 'k'), 20000) // past its 60 s of freshness, inside the 30 s of staleness
    const loader = jest.fn(async () => 'new')
    expect(await cache.fetch('k', loader)).toEqual({ value: 'old', hit: true, stale: true })
    expect(background).toHaveLength(1)
    await background[0]
    expect(loader).toHaveBeenCalledTimes(1)
    expect(await cache.fetch('k', loader)).toEqual({ value: 'new', hit: true, stale: false })
    expect(await direct.pttl(valueKey(prefix, 'k'))).toBeGreaterThan(60000)
  })

  test('a failed refresh is reported, keeps the stale value and is not cached', async () => {
    const background = []
    const { cache, prefix, reports } = caches({ staleSeconds: 30, waitUntil: (p) => background.push(p) })
    await cache.fetch('k', async () => 'old')
    await direct.pexpire(valueKey(prefix, 'k'), 20000)
    expect(await cache.fetch('k', async () => Promise.reject(new Error('db down')))).toMatchObject({
      value: 'old',
      stale: true,
    })
    await background[0]
    expect(reports).toHaveLength(1)
    expect(reports[0].cause.message).toBe('db down')
    expect(await direct.exists(`${prefix}lock:k`)).toBe(0)
    expect(await cache.fetch('k', async () => 'new')).toMatchObject({ value: 'old', stale: true })
  })

  test('without staleSeconds an entry is fresh until it expires', async () => {
    const { cache, prefix } = caches()
    await cache.fetch('k', async () => 'v')
    await direct.pexpire(valueKey(prefix, 'k'), 500)
    expect(await cache.fetch('k', async () => 'w')).toEqual({ value: 'v', hit: true, stale: false })
  })
})

describe('tags', () => {
  test('invalidateTags drops every entry with one of the tags, and only those', async () => {
    const { cache, second } = caches()
    await cache.fetch('projects:1', async () => 'p1', { tags: ['user:1'] })
    await cache.fetch('stats:1', async () => 's1', { tags: ['user:1', 'stats'] })
    await cache.fetch('stats:all', async () => 'all', { tags: ['stats'] })
    await second.invalidateTags('user:1')
    expect(await cache.fetch('projects:1', async () => 'p1b', { tags: ['user:1'] })).toMatchObject({
      value: 'p1b',
      hit: false,
    })
    expect(await cache.fetch('stats:1', async () => 's1b', { tags: ['stats', 'user:1'] })).toMatchObject({
      value: 's1b',
      hit: false,
    })
    expect(await cache.fetch('stats:all', async () => 'x', { tags: ['stats'] })).toMatchObject({
      value: 'all',
      hit: true,
    })
  })

  test('an entry fetched without its tags is still checked against them', async () => {
    const { cache } = caches()
    await cache.fetch('k', async () => 'v1', { tags: ['t'] })
    expect(await cache.fetch('k', async () => 'x')).toMatchObject({ value: 'v1', hit: true })
    await cache.invalidateTags(['t'])
    expect(await cache.fetch('k', async () => 'v2')).toMatchObject({ value: 'v2', hit: false })
  })

  test('a tag outlives every entry recorded under it (an invalidated entry cannot come back)', async () => {
    const { cache, prefix } = caches()
    await cache.fetch('k', async () => 'v', { tags: ['t'], ttlSeconds: 3000 })
    await cache.invalidateTags('t')
    const tagTtl = await direct.pttl(`${prefix}tag:t`)
    expect(tagTtl).toBeGreaterThanOrEqual((await direct.pttl(valueKey(prefix, 'k'))) - 1000)
  })
})

test('an entry QueryCache did not write is a miss: reported, replaced', async () => {
  const { cache, prefix, reports } = caches()
  await direct.set(valueKey(prefix, 'a'), '') // what an unchecked JSON.stringify(() => 1) stored
  await direct.set(valueKey(prefix, 'b'), '{"value":1}')
  await direct.rpush(valueKey(prefix, 'c'), 'x')
  for (const key of ['a', 'b', 'c']) {
    expect(await cache.fetch(key, async () => key)).toEqual({ value: key, hit: false, stale: false })
    expect(await cache.fetch(key, async () => 'x')).toMatchObject({ value: key, hit: true })
  }
  expect(reports.map((e) => [e.name, e.reason])).toEqual([
    ['UnreadableDataError', 'json'],
    ['UnreadableDataError', 'shape'],
    ['UnreadableDataError', 'type'],
  ])
})

test('options that would be silently ignored are refused, before the loader runs', async () => {
  const { cache, prefix } = caches()
  const loader = jest.fn(async () => 1)
  await expect(cache.fetch('k', loader, 30)).rejects.toThrow(/fetch\(\) options must be an object/)
  await expect(cache.fetch('k', loader, { ttl: 30 })).rejects.toThrow(/unknown ttl/)
  expect(loader).not.toHaveBeenCalled()
  expect(await keysUnder(prefix)).toEqual([])
  expect(() => new QueryCache(redis, { staleWhileRevalidate: 10 })).toThrow(/unknown staleWhileRevalidate/)
  expect(() => new QueryCache({})).toThrow(/needs a Redis client/)
})
