'use strict'
const IORedis = require('ioredis')
const Redis = require('../..')
const { SessionStore } = require('../../lib/blocks')
const { dropUnreadable } = require('../../lib/blocks/scripts.js')
const { env, uniqueKey } = require('../support')

let redis
let direct // ioredis straight to redis-server: plants foreign data and reads TTLs without the store
beforeAll(() => {
  const { url, token, redisUrl } = env()
  redis = new Redis({ url, token })
  direct = new IORedis(redisUrl)
})
afterAll(async () => {
  await redis.quit()
  await direct.quit()
})

function store(ttlSeconds = 60, options = {}) {
  const reports = []
  const sessions = new SessionStore(redis, {
    prefix: uniqueKey('session') + ':',
    ttlSeconds,
    onError: (error) => reports.push(error),
    ...options,
  })
  return { sessions, reports }
}

const keysUnder = (prefix) => direct.keys(`${prefix}*`)

test('a login session persists until destroyed', async () => {
  const { sessions } = store()
  const id = await sessions.create({ userId: 42, name: 'Ada', roles: ['admin'] })
  expect(id).toMatch(/^[A-Za-z0-9_-]{32}$/)
  expect(await sessions.get(id)).toEqual({ userId: 42, name: 'Ada', roles: ['admin'] })
  expect(await sessions.update(id, { userId: 42, name: 'Ada L.' })).toBe(true)
  expect(await sessions.get(id)).toEqual({ userId: 42, name: 'Ada L.' })
  expect(await sessions.destroy(id)).toBe(true)
  expect(await sessions.get(id)).toBeNull()
  expect(await sessions.update(id, {})).toBe(false)
  expect(await sessions.destroy(id)).toBe(false)
})

test('reading a session renews its expiry (sliding)', async () => {
  const { sessions } = store(100)
  const id = await sessions.create({ userId: 1 })
  await direct.expire(sessions.prefix + id, 5)
  await sessions.get(id)
  expect(await direct.ttl(sessions.prefix + id)).toBeGreaterThan(90)
})

test('expired sessions are gone', async () => {
  const { sessions } = store()
  const id = await sessions.create({ userId: 1 })
  await direct.pexpire(sessions.prefix + id, 1)
  await new Promise((resolve) => setTimeout(resolve, 20))
  expect(await sessions.get(id)).toBeNull()
})

test('ids that could address other keys are refused without a request', async () => {
  const { sessions } = store()
  for (const id of ['', '*', '../other', 'a b c d e f g h i j', 'x'.repeat(200), null, 42]) {
    expect(await sessions.get(id)).toBeNull()
    expect(await sessions.destroy(id)).toBe(false)
    expect(await sessions.rotate(id)).toBeNull()
  }
})

describe('bad data under a session key is "no session", reported once and deleted', () => {
  const id = 'A'.repeat(32)

  test.each([
    ['corrupt JSON', (key) => direct.set(key, '{"v":1,"data":', 'EX', 1000), 'json'],
    ['JSON the store did not write', (key) => direct.set(key, '{"user":"mallory"}', 'EX', 1000), 'shape'],
    ['a bare JSON string', (key) => direct.set(key, '"hello"', 'EX', 1000), 'shape'],
    ['a hash', (key) => direct.hset(key, 'data', '{}'), 'type'],
  ])('%s', async (_, plant, reason) => {
    const { sessions, reports } = store(3600)
    const key = sessions.prefix + id
    await plant(key)
    expect(await sessions.get(id)).toBeNull()
    expect(await direct.exists(key)).toBe(0) // deleted, not renewed by GETEX for another hour
    expect(await sessions.get(id)).toBeNull()
    expect(reports).toHaveLength(1)
    expect(reports[0]).toMatchObject({ name: 'UnreadableDataError', block: 'SessionStore', reason })
    expect(reports[0].message).not.toContain(id) // the id is a credential
  })

  test('update, rotate and destroy treat it the same way', async () => {
    const { sessions, reports } = store()
    for (const op of [(i) => sessions.update(i, { a: 1 }), (i) => sessions.rotate(i), (i) => sessions.destroy(i)]) {
      await direct.set(sessions.prefix + id, 'not json')
      expect([false, null]).toContain(await op(id))
      expect(await direct.exists(sessions.prefix + id)).toBe(0)
    }
    expect(reports).toHaveLength(3)
  })

  test('the cleanup deletes only what the reader saw: a session written meanwhile survives', async () => {
    const { sessions } = store()
    const key = sessions.prefix + id
    const good = await sessions.create({ ok: true })
    await direct.set(key, await direct.get(sessions.prefix + good))
    expect(await dropUnreadable.run(redis, [key], ['broken text the reader saw'])).toBe(0)
    expect(await sessions.get(id)).toEqual({ ok: true })
    expect(await dropUnreadable.run(redis, [key], [await direct.get(key)])).toBe(1)
  })

  test('an onError handler that throws cannot turn the report into a failed request', async () => {
    const sessions = new SessionStore(redis, {
      prefix: uniqueKey('session') + ':',
      onError: () => {
        throw new Error('logger down')
      },
    })
    await direct.set(sessions.prefix + id, '{')
    expect(await sessions.get(id)).toBeNull()
  })

  test('without onError, a process warning reports it (never a throw)', async () => {
    const sessions = new SessionStore(redis, { prefix: uniqueKey('session') + ':' })
    const emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => {})
    try {
      await direct.set(sessions.prefix + id, '{')
      expect(await sessions.get(id)).toBeNull()
      expect(emitWarning).toHaveBeenCalledTimes(1)
      expect(emitWarning.mock.calls[0][0].name).toBe('UnreadableDataError')
    } finally {
      emitWarning.mockRestore()
    }
  })
})

describe('data is validated on write: nothing is stored that cannot be read back', () => {
  test.each([
    ['undefined', undefined],
    ['a function', () => 1],
    ['a BigInt', 10n],
    ['NaN inside', { n: NaN }],
    ['undefined in an array', { list: [1, undefined] }],
    ['a Map', new Map([['a', 1]])],
    [
      'a circular object',
      (() => {
        const o = {}
        o.self = o
        return o
      })(),
    ],
  ])('create(%s) rejects and stores nothing', async (_, data) => {
    const { sessions } = store()
    await expect(sessions.create(data)).rejects.toThrow(TypeError)
    expect(await keysUnder(sessions.prefix)).toEqual([])
  })

  test('a property whose value is undefined is stored as absent, as JSON.stringify writes it', async () => {
    const { sessions } = store()
    const id = await sessions.create({ name: 'Ada', theme: undefined })
    expect(await sessions.get(id)).toEqual({ name: 'Ada' })
  })

  test('update() with bad data rejects and keeps the old data', async () => {
    const { sessions } = store()
    const id = await sessions.create({ v: 1 })
    await expect(sessions.update(id, { f() {} })).rejects.toThrow(/\$\.f is a function/)
    expect(await sessions.get(id)).toEqual({ v: 1 })
  })

  test('null, strings, numbers, arrays and Dates (as ISO strings) are fine', async () => {
    const { sessions } = store()
    for (const data of [null, 'x', 0, [1, 'a'], { at: new Date(0) }]) {
      const id = await sessions.create(data)
      expect(await sessions.get(id)).toEqual(JSON.parse(JSON.stringify(data)))
    }
  })
})

describe('rotate', () => {
  test('moves the session to a new id; the old id is dead', async () => {
    const { sessions } = store(100)
    const before = await sessions.create({ cart: [1, 2] })
    const after = await sessions.rotate(before)
    expect(after).toMatch(/^[A-Za-z0-9_-]{32}$/)
    expect(after).not.toBe(before)
    expect(await sessions.get(before)).toBeNull()
    expect(await sessions.update(before, {})).toBe(false)
    expect(await sessions.get(after)).toEqual({ cart: [1, 2] })
    expect(await direct.ttl(sessions.prefix + after)).toBeGreaterThan(90)
  })

  test('on login: new data and an owner; destroyUserSessions then reaches it', async () => {
    const { sessions } = store()
    const anonymous = await sessions.create({ cart: [7] })
    const loggedIn = await sessions.rotate(anonymous, { data: { userId: 'u1', cart: [7] }, userId: 'u1' })
    expect(await sessions.get(loggedIn)).toEqual({ userId: 'u1', cart: [7] })
    expect(await sessions.destroyUserSessions('u1')).toBe(1)
    expect(await sessions.get(loggedIn)).toBeNull()
  })

  test('an unknown id gives null and creates nothing', async () => {
    const { sessions } = store()
    expect(await sessions.rotate('B'.repeat(32))).toBeNull()
    expect(await keysUnder(sessions.prefix)).toEqual([])
  })

  test('concurrent rotations of one session: exactly one wins', async () => {
    const { sessions } = store()
    const id = await sessions.create({ n: 1 })
    const results = await Promise.all(Array.from({ length: 8 }, () => sessions.rotate(id)))
    const winners = results.filter(Boolean)
    expect(winners).toHaveLength(1)
    expect(await sessions.get(winners[0])).toEqual({ n: 1 })
    expect(await keysUnder(sessions.prefix)).toEqual([sessions.prefix + winners[0]])
  })

  test('a user keeps its index across rotation; update keeps the owner', async () => {
    const { sessions } = store()
    const first = await sessions.create({ a: 1 }, { userId: 'u2' })
    const second = await sessions.rotate(first)
    expect(await direct.smembers(`${sessions.prefix}user:u2`)).toEqual([second])
    expect(await sessions.update(second, { a: 2 })).toBe(true)
    expect(await sessions.destroyUserSessions('u2')).toBe(1)
    expect(await sessions.get(second)).toBeNull()
  })
})

describe('destroyUserSessions', () => {
  test('logs one user out everywhere and leaves other users alone', async () => {
    const { sessions } = store()
    const ada = await Promise.all([1, 2, 3].map((n) => sessions.create({ device: n }, { userId: 'ada' })))
    const bob = await sessions.create({ device: 1 }, { userId: 'bob' })
    const anonymous = await sessions.create({ device: 0 })
    expect(await sessions.destroyUserSessions('ada')).toBe(3)
    for (const id of ada) expect(await sessions.get(id)).toBeNull()
    expect(await sessions.get(bob)).toEqual({ device: 1 })
    expect(await sessions.get(anonymous)).toEqual({ device: 0 })
    expect(await direct.exists(`${sessions.prefix}user:ada`)).toBe(0)
    expect(await sessions.destroyUserSessions('ada')).toBe(0)
  })

  test('sessions already logged out or expired are not counted', async () => {
    const { sessions } = store()
    const a = await sessions.create({}, { userId: 'c' })
    const b = await sessions.create({}, { userId: 'c' })
    await sessions.destroy(a)
    expect(await direct.smembers(`${sessions.prefix}user:c`)).toEqual([b])
    expect(await sessions.destroyUserSessions('c')).toBe(1)
  })

  test("the user index lives as long as the user's newest session", async () => {
    const { sessions } = store(100)
    const id = await sessions.create({}, { userId: 'd' })
    await direct.expire(`${sessions.prefix}user:d`, 3)
    await sessions.get(id)
    expect(await direct.ttl(`${sessions.prefix}user:d`)).toBeGreaterThan(90)
  })

  test('bad user ids are refused', async () => {
    const { sessions } = store()
    await expect(sessions.create({}, { userId: '' })).rejects.toThrow(TypeError)
    await expect(sessions.create({}, { userId: 42 })).rejects.toThrow(TypeError)
    await expect(sessions.destroyUserSessions(undefined)).rejects.toThrow(TypeError)
    expect(await keysUnder(sessions.prefix)).toEqual([])
  })
})

test('a bad ttlSeconds is refused at construction', () => {
  for (const ttlSeconds of [0, -1, 1.5, '60', NaN]) {
    expect(() => new SessionStore(redis, { ttlSeconds })).toThrow(RangeError)
  }
})

test('options that would be silently ignored are refused', async () => {
  const { sessions } = store()
  expect(() => new SessionStore(redis, { ttl: 60 })).toThrow(/unknown ttl/)
  expect(() => new SessionStore(redis, { prefix: null })).toThrow(/prefix must be a string/)
  expect(() => new SessionStore(undefined)).toThrow(/needs a Redis client/)
  await expect(sessions.create({}, 'u1')).rejects.toThrow(/create\(\) options must be an object/)
  await expect(sessions.create({}, { user: 'u1' })).rejects.toThrow(/unknown user/)
  const id = await sessions.create({ a: 1 })
  await expect(sessions.rotate(id, { userid: 'u1' })).rejects.toThrow(/unknown userid/)
  expect(await sessions.get(id)).toEqual({ a: 1 })
})
