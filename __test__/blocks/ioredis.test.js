'use strict'
// The blocks on ioredis straight to redis-server: they use only what both clients share
// (evalsha/eval with numkeys, multi()…exec() pairs, getex), so an ioredis app can adopt them too.
const IORedis = require('ioredis')
const { SessionStore, QueryCache, ChatHistory, RateLimit } = require('../../lib/blocks')
const { env, uniqueKey } = require('../support')

let direct
beforeAll(() => {
  direct = new IORedis(env().redisUrl)
})
afterAll(() => direct.quit())

test('SessionStore: create, get, rotate, destroyUserSessions, bad data', async () => {
  const reports = []
  const sessions = new SessionStore(direct, { prefix: uniqueKey('session') + ':', onError: (e) => reports.push(e) })
  const id = await sessions.create({ a: 1 }, { userId: 'u' })
  const rotated = await sessions.rotate(id)
  expect(await sessions.get(id)).toBeNull()
  expect(await sessions.get(rotated)).toEqual({ a: 1 })
  expect(await sessions.update(rotated, { a: 2 })).toBe(true)
  expect(await sessions.destroyUserSessions('u')).toBe(1)
  await direct.set(sessions.prefix + id, '{')
  expect(await sessions.get(id)).toBeNull()
  expect(reports).toHaveLength(1)
})

test('QueryCache: miss, hit, tags, invalidate', async () => {
  const cache = new QueryCache(direct, { prefix: uniqueKey('cache') + ':' })
  expect(await cache.fetch('k', async () => [1], { tags: ['t'] })).toEqual({ value: [1], hit: false, stale: false })
  expect(await cache.fetch('k', async () => [2], { tags: ['t'] })).toEqual({ value: [1], hit: true, stale: false })
  await cache.invalidateTags('t')
  expect(await cache.fetch('k', async () => [3])).toMatchObject({ value: [3], hit: false })
  expect(await cache.invalidate('k')).toBe(1)
})

test('ChatHistory: append, page', async () => {
  const chats = new ChatHistory(direct, { prefix: uniqueKey('history') + ':', maxMessages: 3 })
  await chats.append(
    'c',
    [1, 2, 3, 4].map((n) => ({ role: 'user', content: `m${n}` })),
  )
  const page = await chats.latest('c', 2)
  expect(page.messages.map((m) => m.content)).toEqual(['m3', 'm4'])
  expect((await chats.before('c', page.cursor)).messages.map((m) => m.content)).toEqual(['m2'])
})

test('RateLimit: all three algorithms', async () => {
  for (const limiter of [
    RateLimit.fixedWindow(2, '1 m'),
    RateLimit.slidingWindow(2, '1 m'),
    RateLimit.tokenBucket(1, '1 m', 2),
  ]) {
    const limit = new RateLimit(direct, { limiter, prefix: uniqueKey('rl'), whenUnreachable: 'deny' })
    const results = []
    for (let i = 0; i < 3; i += 1) results.push((await limit.limit('u')).success)
    expect(results).toEqual([true, true, false])
  }
})
