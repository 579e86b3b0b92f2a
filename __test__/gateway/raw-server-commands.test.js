'use strict'
// Redis's server category as Upstash runs it: ACL, COMMAND, CONFIG GET, CONFIG SET of
// notify-keyspace-events, DBSIZE, FLUSHALL, FLUSHDB, INFO, TIME run; everything else in the
// category is refused with a 400 before it reaches Redis — on every route, and by the client
// before it sends anything (same table, same text).
const { Redis } = require('../..')
const { env, uniqueKey } = require('../support')
const { send, cmd, pipeline, multiExec, expectError, expectResult, direct } = require('./support')

// Each is harmless if refused and observable (or destructive) if forwarded.
const REFUSED = [
  ['SAVE'],
  ['BGSAVE'],
  ['BGSAVE', 'SCHEDULE'],
  ['BGREWRITEAOF'],
  ['LASTSAVE'],
  ['CONFIG', 'SET', 'slowlog-max-len', '999'],
  ['config', 'set', 'notify-keyspace-events', 'KEA', 'slowlog-max-len', '999'],
  ['CONFIG', 'REWRITE'],
  ['CONFIG', 'RESETSTAT'],
  ['CONFIG'],
  ['SLOWLOG', 'RESET'],
  ['LATENCY', 'RESET'],
  ['MEMORY', 'PURGE'],
  ['MODULE', 'LIST'],
  ['DEBUG', 'SLEEP', '0'],
  ['LOLWUT'],
  ['ROLE'],
  ['REPLICAOF', 'NO', 'ONE'],
  ['SLAVEOF', 'NO', 'ONE'],
  ['FAILOVER', 'ABORT'],
  ['SHUTDOWN', 'NOSAVE'],
  ['SYNC'],
  ['PSYNC', '?', '-1'],
  ['CLUSTER', 'INFO'],
]
// In the server category too, but refused for reasons of their own (connection state, a stream).
const REFUSED_OTHERWISE = [
  [['SWAPDB', '0', '1'], /^ERR SWAPDB changes connection state/],
  [['MONITOR'], /^ERR MONITOR is not available as a command.*\/monitor/],
]

const ALLOWED = [
  [['DBSIZE'], (r) => typeof r === 'number'],
  [['TIME'], (r) => Array.isArray(r) && r.length === 2],
  [['INFO', 'server'], (r) => /redis_version/.test(r)],
  [['COMMAND', 'COUNT'], (r) => r > 100],
  [['CONFIG', 'GET', 'notify-keyspace-events'], (r) => Array.isArray(r) && r[0] === 'notify-keyspace-events'],
  [['ACL', 'WHOAMI'], (r) => r === 'default'],
]

const label = (c) => c.join(' ')

describe('server commands Upstash does not run', () => {
  let redis
  beforeAll(() => {
    redis = direct()
  })
  afterAll(() => redis.quit())

  test.each(REFUSED.map((c) => [label(c), c]))('POST / %s → 400 "Command is not available"', async (_, c) => {
    const res = await cmd(c)
    expectError(res, 400, /^ERR Command is not available: '/)
    expect(res.json.error.toUpperCase()).toContain(c[0].toUpperCase())
  })

  test.each(REFUSED.map((c) => [label(c), c]))('path form /%s → 400', async (_, c) => {
    const res = await send({ method: 'GET', path: '/' + c.map(encodeURIComponent).join('/') })
    expectError(res, 400, /Command is not available/)
  })

  test.each(REFUSED.map((c) => [label(c), c]))('/pipeline %s → only its entry fails', async (_, c) => {
    const res = await pipeline([['PING'], c, ['PING']])
    expect(res.status).toBe(200)
    expect(res.json).toEqual([
      { result: 'PONG' },
      { error: expect.stringMatching(/Command is not available/) },
      { result: 'PONG' },
    ])
  })

  test.each(REFUSED.map((c) => [label(c), c]))('/multi-exec %s → the whole transaction refused', async (_, c) => {
    const k = uniqueKey('srv-mx')
    const res = await multiExec([['SET', k, 'v'], c])
    expectError(res, 400, /Command is not available/)
    expectResult(await cmd(['EXISTS', k]), 0)
  })

  test.each(REFUSED_OTHERWISE.map(([c, p]) => [label(c), c, p]))('%s → 400 with its own reason', async (_, c, p) => {
    expectError(await cmd(c), 400, p)
    expect((await pipeline([c])).json).toEqual([{ error: expect.stringMatching(p) }])
  })

  test('nothing reached Redis: the slow log length and the last save are untouched', async () => {
    expect(await redis.config('GET', 'slowlog-max-len')).toEqual(['slowlog-max-len', '128'])
    expect(await redis.config('GET', 'notify-keyspace-events')).toEqual(['notify-keyspace-events', ''])
  })

  test.each(ALLOWED.map(([c, ok]) => [label(c), c, ok]))('%s runs', async (_, c, ok) => {
    const res = await cmd(c)
    expect(res.status).toBe(200)
    expect(ok(res.json.result)).toBe(true)
  })

  test('CONFIG SET notify-keyspace-events runs (and only that parameter)', async () => {
    try {
      expectResult(await cmd(['CONFIG', 'SET', 'notify-keyspace-events', 'Ex']), 'OK')
      expect(await redis.config('GET', 'notify-keyspace-events')).toEqual(['notify-keyspace-events', 'xE'])
    } finally {
      await redis.config('SET', 'notify-keyspace-events', '')
    }
  })

  test('the client refuses before sending, with the gateway text and RestrictedCommandError', async () => {
    const { url, token } = env()
    const client = new Redis({ url, token })
    try {
      const gatewayText = (await cmd(['SAVE'])).json.error
      await expect(client.call('save')).rejects.toMatchObject({
        name: 'RestrictedCommandError',
        message: gatewayText.replace(/^ERR /, ''),
      })
      await expect(client.config('SET', 'slowlog-max-len', '1')).rejects.toThrow(/Command is not available/)
      await expect(client.config('GET', 'notify-keyspace-events')).resolves.toEqual(['notify-keyspace-events', ''])
      const results = await client.pipeline().ping().bgsave().exec()
      expect(results[0]).toEqual([null, 'PONG'])
      expect(results[1][0]).toMatchObject({ name: 'RestrictedCommandError' })
    } finally {
      client.disconnect()
    }
  })
})
