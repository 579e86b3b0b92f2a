'use strict'
const Redis = require('../..')
const { SessionStore } = require('../../lib/blocks')
const { env, uniqueKey } = require('../helpers')

let redis
beforeAll(() => {
  const { url, token } = env()
  redis = new Redis({ url, token })
})
afterAll(() => redis.quit())

const store = (ttlSeconds = 60) => new SessionStore(redis, { prefix: uniqueKey('session') + ':', ttlSeconds })

test('a login session persists until destroyed', async () => {
  const sessions = store()
  const id = await sessions.create({ userId: 42, name: 'Ada', roles: ['admin'] })
  expect(id).toMatch(/^[A-Za-z0-9_-]{32}$/)
  expect(await sessions.get(id)).toEqual({ userId: 42, name: 'Ada', roles: ['admin'] })
  expect(await sessions.update(id, { userId: 42, name: 'Ada L.' })).toBe(true)
  expect(await sessions.get(id)).toEqual({ userId: 42, name: 'Ada L.' })
  expect(await sessions.destroy(id)).toBe(true)
  expect(await sessions.get(id)).toBeNull()
  expect(await sessions.update(id, {})).toBe(false)
})

test('reading a session renews its expiry (sliding)', async () => {
  const sessions = store(100)
  const id = await sessions.create({ userId: 1 })
  await redis.expire(sessions.prefix + id, 5)
  await sessions.get(id)
  const ttl = await redis.ttl(sessions.prefix + id)
  expect(ttl).toBeGreaterThan(90)
})

test('expired sessions are gone', async () => {
  const sessions = store()
  const id = await sessions.create({ userId: 1 })
  await redis.pexpire(sessions.prefix + id, 1)
  await new Promise((resolve) => setTimeout(resolve, 20))
  expect(await sessions.get(id)).toBeNull()
})

test('ids that could address other keys are refused without a request', async () => {
  const sessions = store()
  for (const id of ['', '*', '../other', 'a b c d e f g h i j', 'x'.repeat(200), null, 42]) {
    expect(await sessions.get(id)).toBeNull()
    expect(await sessions.destroy(id)).toBe(false)
  }
})
