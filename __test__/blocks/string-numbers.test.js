'use strict'
// A client built with stringNumbers: true answers integers as text, which the blocks' arithmetic
// and comparisons would misread (RateLimit compared '10' <= '9' as text). Each block refuses such
// a client at construction, naming the way out, ours and ioredis alike; a duplicate without the
// option works.
const IORedis = require('ioredis')
const Redis = require('../..')
const { SessionStore, QueryCache, ChatHistory, RateLimit } = require('../../lib/blocks')
const { env, uniqueKey } = require('../support')

const made = []
afterAll(() => Promise.all(made.splice(0).map((c) => c.quit())))

function ours(options) {
  const client = new Redis({ url: env().url, token: env().token, ...options })
  made.push(client)
  return client
}
function theirs(options) {
  const client = new IORedis(env().redisUrl, { maxRetriesPerRequest: 1, ...options })
  made.push(client)
  return client
}

const BLOCKS = [
  ['SessionStore', (r) => new SessionStore(r, { prefix: uniqueKey('s') + ':' })],
  ['QueryCache', (r) => new QueryCache(r, { prefix: uniqueKey('q') + ':' })],
  ['ChatHistory', (r) => new ChatHistory(r, { prefix: uniqueKey('h') + ':' })],
  [
    'RateLimit',
    (r) =>
      new RateLimit(r, {
        prefix: uniqueKey('r') + ':',
        limiter: RateLimit.fixedWindow(10, '10 s'),
        whenUnreachable: 'throw',
      }),
  ],
]

describe.each([
  ['ours', ours],
  ['ioredis', theirs],
])('on %s with stringNumbers: true', (_side, make) => {
  test.each(BLOCKS)('%s refuses the client, naming the option and the way out', (name, build) => {
    expect(() => build(make({ stringNumbers: true }))).toThrow(
      new TypeError(
        `${name} needs integer replies as numbers, and this client has stringNumbers: true; ` +
          'pass redis.duplicate({ stringNumbers: false })',
      ),
    )
  })

  test('a duplicate without it runs the blocks: RateLimit counts past 9 correctly', async () => {
    const limited = make({ stringNumbers: true })
    const limit = new RateLimit(limited.duplicate({ stringNumbers: false }), {
      prefix: uniqueKey('dup') + ':',
      limiter: RateLimit.fixedWindow(10, '60 s'),
      whenUnreachable: 'throw',
    })
    made.push(limit.redis)
    const decisions = []
    for (let i = 0; i < 11; i++) decisions.push(await limit.limit('u'))
    expect(decisions.map((d) => d.success)).toEqual([...Array(10).fill(true), false])
    expect(decisions[9]).toMatchObject({ limit: 10, remaining: 0 })
  })
})
