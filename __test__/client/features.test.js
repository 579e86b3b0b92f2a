'use strict'
// ioredis features on top of REST: keyPrefix, callbacks, call/callBuffer, defineCommand,
// the scan streams, pipeline/multi edge cases, and enableAutoPipelining: false.
// Raw keys are read with ioredis straight over TCP, so the prefix is checked independently.
const { env, uniqueKey } = require('../support')
const { startDevStack } = require('../../lib/dev-stack')
const { Redis, clients, rejectionOf, within, sha1, useProxyAndOracle, usePrivateStack } = require('./support/common')
const { startProxy } = require('./support/proxy')
const IORedis = require('ioredis')

const make = clients()
const { url, token } = env()

const { proxy, oracle } = useProxyAndOracle()

/** The commands (lower-case name first) that reached the proxy and mention `text`, in order. */
function commandsSent(via, text) {
  return via
    .requestsFor(text)
    .flatMap((r) => {
      const parsed = JSON.parse(r.body)
      return r.path === '/pipeline' || r.path === '/multi-exec' ? parsed : [parsed]
    })
    .filter((command) => command.some((arg) => String(arg).includes(text)))
    .map(([name, ...args]) => [String(name).toLowerCase(), ...args])
}

/** Resolves with every page a scan stream emits; fails if it does not end within 10 s. */
function pagesOf(stream) {
  const pages = []
  stream.on('data', (page) => pages.push(page))
  const done = new Promise((resolve, reject) => {
    stream.on('end', () => resolve(pages))
    stream.on('error', reject)
  })
  return within(done, 10000, 'scan stream end')
}

const pairs = (flat) => Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], flat[2 * i + 1]])
const sorted = (list) => [...list].sort()

describe('keyPrefix', () => {
  let prefix
  let client
  beforeEach(() => {
    prefix = `${uniqueKey('prefix')}:`
    client = make({ url, token, keyPrefix: prefix })
  })

  test('set/get: the key is prefixed, the value is not', async () => {
    await client.set('a', 'a-value')
    expect(await oracle().get(`${prefix}a`)).toBe('a-value')
    expect(await oracle().exists('a')).toBe(0)
    expect(await client.get('a')).toBe('a-value')
    await client.set('b', 'b')
    await client.set('c', 'b') // a value equal to a key name stays as is
    expect(await oracle().get(`${prefix}c`)).toBe('b')
  })

  test('mget/mset/del prefix every key', async () => {
    expect(await client.mset('a', '1', 'b', '2')).toBe('OK')
    expect(await oracle().mget(`${prefix}a`, `${prefix}b`)).toEqual(['1', '2'])
    expect(await client.mget('a', 'b', 'missing')).toEqual(['1', '2', null])
    expect(await client.del('a', 'b')).toBe(2)
    expect(await oracle().exists(`${prefix}a`, `${prefix}b`)).toBe(0)
  })

  test('hset prefixes the key, not fields or values', async () => {
    await client.hset('h', 'field', 'value', 'other', 'x')
    expect(await oracle().hgetall(`${prefix}h`)).toEqual({ field: 'value', other: 'x' })
    expect(await client.hgetall('h')).toEqual({ field: 'value', other: 'x' })
  })

  test('eval prefixes KEYS only, not ARGV', async () => {
    const result = await client.eval('return {KEYS[1], KEYS[2], ARGV[1]}', 2, 'k1', 'k2', 'arg')
    expect(result).toEqual([`${prefix}k1`, `${prefix}k2`, 'arg'])
  })

  test('pipeline and multi prefix their keys', async () => {
    const piped = await client.pipeline().set('p', '1').incr('p').get('p').exec()
    expect(piped).toEqual([
      [null, 'OK'],
      [null, 2],
      [null, '2'],
    ])
    const multi = await client.multi().set('m', '5').incr('m').exec()
    expect(multi).toEqual([
      [null, 'OK'],
      [null, 6],
    ])
    expect(await oracle().mget(`${prefix}p`, `${prefix}m`)).toEqual(['2', '6'])
  })

  test("too few arguments for the key positions: Redis's arity error, as without a prefix", async () => {
    client.defineCommand('oneKey', { numberOfKeys: 1, lua: 'return 1' })
    const unprefixed = make({ url, token })
    for (const [name, args] of [
      ['get', []],
      ['eval', ['return 1', 2, 'a']],
      ['zunionstore', ['d', 3, 'a']],
    ]) {
      const error = await rejectionOf(client.call(name, ...args))
      expect(error).toBeInstanceOf(Redis.ReplyError)
      expect(error.message).toBe((await rejectionOf(unprefixed.call(name, ...args))).message)
    }
    expect(await rejectionOf(client.oneKey())).toBeInstanceOf(Redis.ReplyError)
    expect(await oracle().exists(`${prefix}undefined`)).toBe(0)
  })

  test('scan MATCH is not prefixed (as in ioredis): pass the full pattern', async () => {
    await client.mset('s1', 'x', 's2', 'x')
    const found = (await pagesOf(client.scanStream({ match: `${prefix}s*`, count: 1000 }))).flat()
    expect(sorted(new Set(found))).toEqual([`${prefix}s1`, `${prefix}s2`])
  })
})

describe('callbacks', () => {
  const client = () => make({ url, token })
  const viaCallback = (register) =>
    within(new Promise((resolve) => register((error, result) => resolve({ error, result }))), 3000, 'callback')

  test('a trailing callback gets (null, result), and the promise is still returned', async () => {
    const c = client()
    const key = uniqueKey('callback')
    let returned
    const { error, result } = await viaCallback((cb) => {
      returned = c.set(key, 'v', cb)
    })
    expect(error).toBeNull()
    expect(result).toBe('OK')
    expect(returned).toBeInstanceOf(Promise)
    expect(await returned).toBe('OK')
    expect((await viaCallback((cb) => c.get(key, cb))).result).toBe('v')
  })

  test('errors reach the callback (Redis error, refused command, object argument)', async () => {
    const c = client()
    const key = uniqueKey('callback-error')
    await c.set(key, 'text')
    const replyError = (await viaCallback((cb) => c.incr(key, cb))).error
    expect(replyError).toBeInstanceOf(Redis.ReplyError)
    expect((await viaCallback((cb) => c.blpop(key, 0, cb))).error.name).toBe('RestrictedCommandError')
    expect((await viaCallback((cb) => c.set(key, {}, cb))).error).toBeInstanceOf(TypeError)
  })

  test('call, pipeline exec and multi exec take callbacks too', async () => {
    const c = client()
    const key = uniqueKey('callback-more')
    expect((await viaCallback((cb) => c.call('SET', key, '1', cb))).result).toBe('OK')
    expect((await viaCallback((cb) => c.pipeline().incr(key).exec(cb))).result).toEqual([[null, 2]])
    expect((await viaCallback((cb) => c.multi().incr(key).exec(cb))).result).toEqual([[null, 3]])
  })
})

describe('call / callBuffer', () => {
  test('call runs any command by name, with flattened array arguments', async () => {
    const client = make({ url, token })
    const key = uniqueKey('call')
    expect(await client.call('SET', key, 'v')).toBe('OK')
    expect(await client.call('get', key)).toBe('v')
    expect(await client.call('MGET', [key, `${key}:missing`])).toEqual(['v', null])
    expect(await client.call('OBJECT', 'ENCODING', key)).toBe('embstr')
  })

  test('callBuffer returns Buffers, byte-exact for binary values', async () => {
    const client = make({ url, token })
    const key = uniqueKey('callbuffer')
    const bytes = Buffer.from([0xff, 0x00, 0xfe, 0x80, 0x41])
    await oracle().set(key, bytes)
    const value = await client.callBuffer('GET', key)
    expect(Buffer.isBuffer(value)).toBe(true)
    expect(value.equals(bytes)).toBe(true)
    expect(await client.callBuffer('MGET', key, key)).toEqual([bytes, bytes])
  })

  test('call with a Redis error rejects with a ReplyError', async () => {
    const client = make({ url, token })
    const error = await rejectionOf(client.call('NOSUCHCOMMAND', 'x'))
    expect(error).toBeInstanceOf(Redis.ReplyError)
    expect(error.message).toMatch(/unknown command/i)
  })
})

describe('defineCommand', () => {
  // Unique script text per test, so its SHA is not already cached by an earlier run or suite.
  const lua = (id) => `-- ${id}\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])`

  test('each call is one EVAL carrying the script: no NOSCRIPT round trip, no retry', async () => {
    const client = make({ url: proxy().url, token })
    const key = uniqueKey('define')
    const script = lua(key)
    client.defineCommand('incrByScript', { numberOfKeys: 1, lua: script })
    expect(await client.incrByScript(key, 5)).toBe(5)
    expect(await client.incrByScript(key, 2)).toBe(7)
    const sent = commandsSent(proxy(), key)
    expect(sent.map(([name]) => name)).toEqual(['eval', 'eval'])
    expect(sent[0].slice(1)).toEqual([script, '1', key, '5'])
    expect(await oracle().get(key)).toBe('7')
  })

  test('without numberOfKeys the first argument gives it', async () => {
    const client = make({ url, token })
    const key = uniqueKey('define-dynamic')
    client.defineCommand('incrDynamic', { lua: lua(key) })
    expect(await client.incrDynamic(1, key, 3)).toBe(3)
  })

  test('works in a pipeline and in multi', async () => {
    const client = make({ url, token })
    const key = uniqueKey('define-pipeline')
    client.defineCommand('incrPiped', { numberOfKeys: 1, lua: lua(key) })
    expect(await client.pipeline().incrPiped(key, 4).get(key).exec()).toEqual([
      [null, 4],
      [null, '4'],
    ])
    expect(await client.multi().incrPiped(key, 1).exec()).toEqual([[null, 5]])
  })

  test('applies keyPrefix to its keys, not to its arguments', async () => {
    const prefix = `${uniqueKey('define-prefix')}:`
    const client = make({ url, token, keyPrefix: prefix })
    client.defineCommand('setPair', {
      numberOfKeys: 1,
      lua: `-- ${prefix}\nreturn redis.call('SET', KEYS[1], ARGV[1])`,
    })
    expect(await client.setPair('k', 'arg')).toBe('OK')
    expect(await oracle().get(`${prefix}k`)).toBe('arg')
    expect(await client.pipeline().setPair('k2', 'v2').exec()).toEqual([[null, 'OK']])
    expect(await oracle().get(`${prefix}k2`)).toBe('v2')
  })

  test('a callback as last argument works', async () => {
    const client = make({ url, token })
    const key = uniqueKey('define-callback')
    client.defineCommand('incrCb', { numberOfKeys: 1, lua: lua(key) })
    const result = await within(
      new Promise((resolve, reject) => client.incrCb(key, 9, (e, r) => (e ? reject(e) : resolve(r)))),
      3000,
    )
    expect(result).toBe(9)
  })

  test('a script error is a ReplyError and is not retried', async () => {
    const client = make({ url: proxy().url, token })
    const key = uniqueKey('define-error')
    client.defineCommand('incrBad', { numberOfKeys: 1, lua: lua(key) })
    await client.incrBad(key, 1) // loads it
    await oracle().set(key, 'text')
    const error = await rejectionOf(client.incrBad(key, 1))
    expect(error).toBeInstanceOf(Redis.ReplyError)
    expect(error.message).toMatch(/not an integer/)
    expect(commandsSent(proxy(), key).map(([name]) => name)).toEqual(['eval', 'eval'])
  })

  // SCRIPT FLUSH empties the whole script cache: done on a private stack so other suites keep theirs.
  describe('after SCRIPT FLUSH (private dev stack)', () => {
    let stack
    let stackProxy
    let stackOracle
    beforeAll(async () => {
      stack = await startDevStack()
      stackProxy = await startProxy(stack.url)
      stackOracle = new IORedis(stack.redisUrl, { maxRetriesPerRequest: 1 })
    }, 30000)
    afterAll(async () => {
      if (stackOracle) await stackOracle.quit()
      if (stackProxy) await stackProxy.close()
      if (stack) await stack.stop()
    })

    // With EVALSHA and a NOSCRIPT → EVAL retry, the retry left after the GET issued with it, and
    // the GET read the value from before the script ran.
    test('a command issued after a defined command sees its effect, also right after SCRIPT FLUSH', async () => {
      const client = make({ url: stackProxy.url, token: stack.token })
      const key = uniqueKey('define-flush')
      client.defineCommand('incrFlush', { numberOfKeys: 1, lua: lua(key) })
      expect(await Promise.all([client.incrFlush(key, 1), client.get(key)])).toEqual([1, '1'])
      expect(await stackOracle.script('FLUSH')).toBe('OK')
      expect(await Promise.all([client.incrFlush(key, 1), client.get(key)])).toEqual([2, '2'])
      expect(await Promise.all([client.incrFlush(key, 1), client.get(key), client.incrFlush(key, 1)])).toEqual([
        3,
        '3',
        4,
      ])
      expect(await stackOracle.get(key)).toBe('4')
    })
  })
})

describe('scan streams', () => {
  // Above the listpack limits (hash-max-listpack-entries is 512 here), so SCAN really pages.
  const N = 600
  const names = (tag) => Array.from({ length: N }, (_, i) => `${tag}${i}`)

  test('hscanStream: every field exactly once across pages; match filters', async () => {
    const client = make({ url, token })
    const key = uniqueKey('hscan')
    await oracle().hset(key, Object.fromEntries(names('f').map((f) => [f, `v-${f}`])))
    const pages = await pagesOf(client.hscanStream(key, { count: 10 }))
    expect(pages.length).toBeGreaterThan(1)
    const entries = pairs(pages.flat())
    expect(entries.map(([f]) => f).sort()).toEqual(sorted(names('f')))
    for (const [field, value] of entries) expect(value).toBe(`v-${field}`)
    const matched = pairs((await pagesOf(client.hscanStream(key, { match: 'f1*', count: 10 }))).flat())
    expect(matched.map(([f]) => f).sort()).toEqual(sorted(names('f').filter((f) => f.startsWith('f1'))))
  })

  test('sscanStream: every member exactly once across pages; match filters', async () => {
    const client = make({ url, token })
    const key = uniqueKey('sscan')
    await oracle().sadd(key, names('m'))
    const pages = await pagesOf(client.sscanStream(key, { count: 10 }))
    expect(pages.length).toBeGreaterThan(1)
    expect(pages.flat().sort()).toEqual(sorted(names('m')))
    const matched = (await pagesOf(client.sscanStream(key, { match: 'm2?', count: 10 }))).flat()
    expect(matched.sort()).toEqual(sorted(names('m').filter((m) => /^m2\d$/.test(m))))
  })

  test('zscanStream: every member exactly once, with its score; match filters', async () => {
    const client = make({ url, token })
    const key = uniqueKey('zscan')
    await oracle().zadd(key, ...names('z').flatMap((m, i) => [i, m]))
    const pages = await pagesOf(client.zscanStream(key, { count: 10 }))
    expect(pages.length).toBeGreaterThan(1)
    const entries = pairs(pages.flat())
    expect(entries.map(([m]) => m).sort()).toEqual(sorted(names('z')))
    for (const [member, score] of entries) expect(score).toBe(member.slice(1))
    const matched = pairs((await pagesOf(client.zscanStream(key, { match: '*9', count: 10 }))).flat())
    expect(matched.map(([m]) => m).sort()).toEqual(sorted(names('z').filter((m) => m.endsWith('9'))))
  })

  // The keyspace is shared by every suite; a private redis keeps the iteration free of others' keys.
  describe('scanStream (private dev stack)', () => {
    const priv = usePrivateStack()

    test('every key exactly once across pages; match filters', async () => {
      const client = make({ url: priv.stack.url, token: priv.stack.token })
      const keys = names('scan:')
      await priv.oracle.mset(...keys.flatMap((k) => [k, '1']))
      await priv.oracle.set('other:key', '1')
      const pages = await pagesOf(client.scanStream({ match: 'scan:*', count: 10 }))
      expect(pages.length).toBeGreaterThan(1)
      expect(pages.flat().sort()).toEqual(sorted(keys))
      const all = (await pagesOf(client.scanStream({ count: 10 }))).flat()
      expect(all.sort()).toEqual(sorted([...keys, 'other:key']))
      const matched = (await pagesOf(client.scanStream({ match: 'scan:1?', count: 10 }))).flat()
      expect(matched.sort()).toEqual(sorted(keys.filter((k) => /^scan:1\d$/.test(k))))
    })
  })
})

describe('pipeline and multi', () => {
  test('exec() twice on one pipeline → the second rejects and sends nothing', async () => {
    const client = make({ url: proxy().url, token })
    const key = uniqueKey('exec-twice')
    const pipeline = client.pipeline().incr(key)
    expect(await pipeline.exec()).toEqual([[null, 1]])
    const error = await rejectionOf(pipeline.exec())
    expect(error).toBeInstanceOf(Error)
    expect(error.message).toMatch(/exec/)
    expect(commandsSent(proxy(), key)).toHaveLength(1)
    expect(await oracle().get(key)).toBe('1')
  })

  test('multi with a command Redis refuses to queue → EXECABORT ReplyError, nothing applied', async () => {
    const client = make({ url, token })
    const key = uniqueKey('execabort')
    const error = await rejectionOf(client.multi().set(key, 'v').incr().exec())
    expect(error).toBeInstanceOf(Redis.ReplyError)
    expect(error.name).toBe('ReplyError')
    expect(error.message).toMatch(/^EXECABORT/)
    expect(await oracle().exists(key)).toBe(0)
  })

  test('multi with a runtime error → that slot holds a ReplyError, the others applied', async () => {
    const client = make({ url, token })
    const key = uniqueKey('multi-runtime')
    const results = await client.multi().set(key, 'v').lpush(key, 'x').get(key).exec()
    expect(results[0]).toEqual([null, 'OK'])
    expect(results[1][0]).toBeInstanceOf(Redis.ReplyError)
    expect(results[1][0].message).toMatch(/^WRONGTYPE/)
    expect(results[2]).toEqual([null, 'v'])
  })

  test('the batch form pipeline([[...], ...]) works', async () => {
    const client = make({ url, token })
    const key = uniqueKey('batch-form')
    expect(
      await client
        .pipeline([
          ['set', key, 'a'],
          ['append', key, 'b'],
          ['get', key],
        ])
        .exec(),
    ).toEqual([
      [null, 'OK'],
      [null, 2],
      [null, 'ab'],
    ])
    expect(
      await client
        .multi([
          ['incr', `${key}:n`],
          ['incr', `${key}:n`],
        ])
        .exec(),
    ).toEqual([
      [null, 1],
      [null, 2],
    ])
  })
})

describe('enableAutoPipelining', () => {
  const COUNT = 10
  const sendBurst = (client, key) =>
    Promise.all([
      client.set(key, 'x'),
      ...Array.from({ length: COUNT - 2 }, () => client.append(key, 'y')),
      client.get(key),
    ])
  const expected = ['OK', ...Array.from({ length: COUNT - 2 }, (_, i) => i + 2), `x${'y'.repeat(COUNT - 2)}`]

  test('false: still works and stays ordered, with one request per command', async () => {
    const client = make({ url: proxy().url, token, enableAutoPipelining: false })
    const key = uniqueKey('no-autopipeline')
    expect(await sendBurst(client, key)).toEqual(expected)
    const requests = proxy().requestsFor(key)
    expect(requests.map((r) => JSON.parse(r.body).length)).toEqual(Array(COUNT).fill(1))
    expect(requests.map((r) => JSON.parse(r.body)[0][0])).toEqual(['set', ...Array(COUNT - 2).fill('append'), 'get'])
  })

  test('default: the same burst is ordered and shares requests', async () => {
    const client = make({ url: proxy().url, token })
    const key = uniqueKey('autopipeline')
    expect(await sendBurst(client, key)).toEqual(expected)
    const sent = proxy().requestsFor(key)
    expect(sent.length).toBeLessThan(COUNT)
    expect(commandsSent(proxy(), key).map(([name]) => name)).toEqual(['set', ...Array(COUNT - 2).fill('append'), 'get'])
  })
})

describe('showFriendlyErrorStack', () => {
  // The stack of a failed command starts at the code that issued it, not inside the client.
  async function failAt() {
    const client = make({ url, token, showFriendlyErrorStack: true })
    const key = uniqueKey('friendly')
    await client.set(key, 'text')
    return rejectionOf(client.incr(key))
  }
  test('the stack names the caller and no frame of the client', async () => {
    const error = await failAt()
    expect(error).toBeInstanceOf(Redis.ReplyError)
    const frames = error.stack.split('\n').slice(1)
    expect(frames[0]).toMatch(/features\.test\.js/)
    expect(frames.some((frame) => frame.includes('/lib/'))).toBe(false)
  })
  test('without it, the stack is the error’s own (it does not start at the caller)', async () => {
    const client = make({ url, token })
    const key = uniqueKey('unfriendly')
    await client.set(key, 'text')
    const error = await rejectionOf(client.incr(key))
    expect(error.stack.split('\n')[1]).not.toMatch(/features\.test\.js/)
  })
})
