'use strict'
const IORedis = require('ioredis')
const Redis = require('../..')
const { ChatHistory } = require('../../lib/blocks')
const { env, uniqueKey } = require('../support')

let redis
let direct
beforeAll(() => {
  const { url, token, redisUrl } = env()
  redis = new Redis({ url, token })
  direct = new IORedis(redisUrl)
})
afterAll(async () => {
  await Promise.all([redis.quit(), direct.quit()])
})

function history(options = {}) {
  const reports = []
  const chats = new ChatHistory(redis, {
    prefix: uniqueKey('history') + ':',
    onError: (e) => reports.push(e),
    ...options,
  })
  return { chats, reports }
}

const say = (n) => ({ role: n % 2 ? 'user' : 'assistant', content: `message ${n}` })
const contents = (messages) => messages.map((m) => m.content)
const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => `message ${from + i}`)

test('append fills id and createdAt; latest returns the messages oldest first', async () => {
  const { chats } = history()
  const before = Date.now()
  const [one] = await chats.append('c1', { role: 'user', content: 'hello' })
  const more = await chats.append('c1', [
    {
      id: 'm-2',
      role: 'assistant',
      content: [
        { type: 'text', text: 'hi' },
        { type: 'tool-call', args: { q: 1 } },
      ],
    },
    { role: 'user', content: 'bye', createdAt: new Date(0), metadata: { model: 'sim' } },
  ])
  expect(one.id).toMatch(/^[0-9a-f-]{36}$/)
  expect(Date.parse(one.createdAt)).toBeGreaterThanOrEqual(before - 1000)
  expect(more[0].id).toBe('m-2')
  expect(more[1].createdAt).toBe('1970-01-01T00:00:00.000Z')
  const page = await chats.latest('c1')
  expect(page).toEqual({ messages: [one, ...more], cursor: null })
  expect(await chats.all('c1')).toEqual([one, ...more])
})

test('one append is one MULTI (RPUSH, LTRIM, EXPIRE together), nothing else', async () => {
  const calls = []
  const watched = new Proxy(redis, {
    get(target, name) {
      const value = target[name]
      if (typeof value !== 'function') return value
      return (...args) => {
        calls.push(name)
        return value.apply(target, args)
      }
    },
  })
  const chats = new ChatHistory(watched, { prefix: uniqueKey('history') + ':', maxMessages: 3, ttlSeconds: 100 })
  await chats.append('c', [say(1), say(2), say(3), say(4)])
  expect(calls).toEqual(['multi'])
  expect(await direct.llen(`${chats.prefix}messages:c`)).toBe(3)
  expect(await direct.ttl(`${chats.prefix}messages:c`)).toBeGreaterThan(90)
  expect(await direct.ttl(`${chats.prefix}count:c`)).toBeGreaterThan(90)
})

test('the cap keeps the newest maxMessages', async () => {
  const { chats } = history({ maxMessages: 5 })
  for (let n = 1; n <= 8; n += 1) await chats.append('c', say(n))
  expect(contents(await chats.all('c'))).toEqual(range(4, 8))
  const page = await chats.latest('c', 3)
  expect(contents(page.messages)).toEqual(range(6, 8))
  const older = await chats.before('c', page.cursor, 3)
  expect(contents(older.messages)).toEqual(range(4, 5))
  expect(older.cursor).toBeNull()
})

test('paging before a cursor walks back without gaps or repeats while messages keep arriving', async () => {
  const { chats } = history()
  await chats.append(
    'c',
    Array.from({ length: 12 }, (_, i) => say(i + 1)),
  )
  const newest = await chats.latest('c', 5)
  expect(contents(newest.messages)).toEqual(range(8, 12))
  await chats.append('c', [say(13), say(14)])
  const p2 = await chats.before('c', newest.cursor, 5)
  expect(contents(p2.messages)).toEqual(range(3, 7))
  const p3 = await chats.before('c', p2.cursor, 5)
  expect(contents(p3.messages)).toEqual(range(1, 2))
  expect(p3.cursor).toBeNull()
  expect(contents((await chats.latest('c', 2)).messages)).toEqual(range(13, 14))
})

test('a cursor into history the cap has trimmed gives an empty last page', async () => {
  const { chats } = history({ maxMessages: 4 })
  await chats.append('c', [say(1), say(2), say(3), say(4)])
  const { cursor } = await chats.latest('c', 1)
  await chats.append('c', [say(5), say(6), say(7), say(8)])
  expect(await chats.before('c', cursor, 10)).toEqual({ messages: [], cursor: null })
})

test('an unknown chat is empty; clear deletes a history', async () => {
  const { chats } = history()
  expect(await chats.latest('nobody')).toEqual({ messages: [], cursor: null })
  await chats.append('c', say(1))
  expect(await chats.clear('c')).toBe(true)
  expect(await chats.all('c')).toEqual([])
  expect(await chats.clear('c')).toBe(false)
  expect(await direct.keys(`${chats.prefix}*`)).toEqual([])
})

test('an AI SDK message as the SDK builds it (properties set to undefined) is stored, those properties absent', async () => {
  const { chats } = history()
  await chats.append('c-ai', {
    id: 'm1',
    role: 'assistant',
    metadata: undefined,
    content: [{ type: 'step-start' }, { type: 'text', text: 'Hello', providerMetadata: undefined, state: 'done' }],
  })
  const { messages } = await chats.latest('c-ai', 10)
  expect(messages.map(({ id, role, content }) => ({ id, role, content }))).toEqual([
    { id: 'm1', role: 'assistant', content: [{ type: 'step-start' }, { type: 'text', text: 'Hello', state: 'done' }] },
  ])
})

describe('bad input is refused and stores nothing', () => {
  test.each([
    ['no role', { content: 'x' }, /role must be one of/],
    ['an unknown role', { role: 'admin', content: 'x' }, /role must be one of/],
    ['no content', { role: 'user' }, /content must be a string or an array of parts/],
    ['content as an object', { role: 'user', content: { text: 'x' } }, /content must be/],
    ['a part without type', { role: 'user', content: [{ text: 'x' }] }, /content must be/],
    [
      'a function in a part',
      { role: 'user', content: [{ type: 'text', text: () => 'x' }] },
      /\$\[0\]\.text is a function/,
    ],
    ['an unknown field', { role: 'user', content: 'x', parts: [] }, /unknown fields: parts/],
    ['a bad createdAt', { role: 'user', content: 'x', createdAt: 'yesterday' }, /createdAt must be/],
    ['an empty id', { id: '', role: 'user', content: 'x' }, /id must be a non-empty string/],
    ['BigInt metadata', { role: 'user', content: 'x', metadata: { n: 1n } }, /BigInt/],
    ['null', null, /must be an object/],
  ])('%s', async (_, message, error) => {
    const { chats } = history()
    // The bad one is second: the first must not be stored either (all or nothing).
    await expect(chats.append('c', [say(1), message])).rejects.toThrow(error)
    expect(await direct.keys(`${chats.prefix}*`)).toEqual([])
  })

  test('bad chat ids, cursors and limits', async () => {
    const { chats } = history()
    await expect(chats.append('', say(1))).rejects.toThrow(TypeError)
    await expect(chats.latest(undefined)).rejects.toThrow(TypeError)
    await expect(chats.latest('c', 0)).rejects.toThrow(RangeError)
    await expect(chats.latest('c', 2.5)).rejects.toThrow(RangeError)
    for (const cursor of ['-1', 'abc', '1e3', 12, null])
      await expect(chats.before('c', cursor)).rejects.toThrow(/cursor/)
    expect(() => new ChatHistory(redis, { maxMessages: 0 })).toThrow(RangeError)
    expect(() => new ChatHistory(redis, { ttlSeconds: 1.5 })).toThrow(RangeError)
  })
})

test('a message ChatHistory did not write is skipped and reported, the rest is served', async () => {
  const { chats, reports } = history()
  await chats.append('c', say(1))
  await direct.rpush(`${chats.prefix}messages:c`, '{broken', '{"role":"user"}')
  await direct.incrby(`${chats.prefix}count:c`, 2)
  await chats.append('c', say(2))
  expect(contents(await chats.all('c'))).toEqual(range(1, 2))
  expect(reports.map((e) => e.reason)).toEqual(['json', 'shape'])
})

test('options that would be silently ignored are refused', () => {
  expect(() => new ChatHistory(redis, { max: 10 })).toThrow(/unknown max/)
  expect(() => new ChatHistory(redis, { prefix: 5 })).toThrow(/prefix must be a string/)
  expect(() => new ChatHistory(null)).toThrow(/needs a Redis client/)
})
