// Type tests, CommonJS style (`import x = require()`). Compiled by __test__/types.test.js, never run.
import Redis = require('@fragment/redis-native')
import {
  startGateway,
  usage,
  OPTIONS,
  envLines,
  DEFAULTS,
  type GatewayHandle,
  type StartGatewayOptions,
} from '@fragment/redis-native/gateway'
import { startDevStack, type DevStack } from '@fragment/redis-native/dev-stack'
import type { Readable } from 'node:stream'

/** Exact type equality (`any` and `unknown` only equal themselves). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
function expectType<T>(_value: T): void {}
function assertType<_T extends true>(): void {}

// A command added with defineCommand(), typed by merging into RedisCommander.
declare module '@fragment/redis-native' {
  interface RedisCommander<K extends ClientContext = 'promise'> {
    myecho(key: RedisKey, arg: string, callback?: Callback<string>): Result<string, K, this>
  }
}

async function construction() {
  const a = new Redis()
  const b = new Redis('https://example.upstash.io')
  const c = new Redis('https://example.upstash.io', { token: 't', keyPrefix: 'app:' })
  const d = new Redis({
    url: 'http://127.0.0.1:8079',
    token: 't',
    keyPrefix: 'app:',
    commandTimeout: 2000,
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(times * 50, 2000),
    lazyConnect: true,
    enableAutoPipelining: false,
    readYourWrites: false,
    responseEncoding: 'resp2',
    maxBatchCommands: 100,
    maxBatchBytes: 512 * 1024,
    poolSize: 4,
  })
  const e = Redis.fromEnv({ keyPrefix: 'x:' })
  const f = Redis.createClient({ token: 't' })
  const g: Redis = new Redis.Redis()
  const h: Redis = new Redis.default()
  expectType<Redis[]>([a, b, c, d, e, f, g, h])

  // @ts-expect-error unknown option
  new Redis({ url: 'https://x', token: 't', bogus: 1 })
  // @ts-expect-error ioredis connection options have no meaning over REST
  new Redis({ host: 'localhost', port: 6379 })
  // @ts-expect-error responseEncoding is 'base64' or 'resp2'
  new Redis({ responseEncoding: 'json' })
  // @ts-expect-error a port number is not a URL
  new Redis(6379)
  // @ts-expect-error fromEnv() takes url and token from the environment only
  Redis.fromEnv({ url: 'https://x' })

  const status: Redis.RedisStatus = a.status
  const mode: 'normal' | 'subscriber' | 'monitor' = a.mode
  const token: string = a.readYourWritesSyncToken
  a.readYourWritesSyncToken = token
  const prefix: string = a.options.keyPrefix
  const url: string = a.options.url
  expectType<[Redis.RedisStatus, string, string, string]>([status, mode, prefix, url])

  await a.connect()
  const quit: 'OK' = await a.quit()
  a.disconnect()
  a.disconnect(true)
  a.end()
  const copy: Redis = a.duplicate({ keyPrefix: 'other:' })
  expectType<[string, Redis]>([quit, copy])
}

async function strings(redis: Redis) {
  const value: string | null = await redis.get('k')
  assertType<Equal<Awaited<ReturnType<typeof redis.get>>, string | null>>()
  const buf: Buffer | null = await redis.getBuffer('k')

  const ok: 'OK' = await redis.set('k', 'v')
  const ok2: 'OK' = await redis.set('k', 1, 'EX', 60)
  const ok3: 'OK' = await redis.set('k', Buffer.from('v'), 'PX', '1500')
  const ok4: 'OK' = await redis.set('k', 'v', 'KEEPTTL')
  const nx: 'OK' | null = await redis.set('k', 'v', 'NX')
  const nxEx: 'OK' | null = await redis.set('k', 'v', 'EX', 10, 'NX')
  const nxFirst: 'OK' | null = await redis.set('k', 'v', 'NX', 'PX', 100)
  const xx: 'OK' | null = await redis.set('k', 'v', 'PXAT', Date.now() + 1000, 'XX')
  const old: string | null = await redis.set('k', 'v', 'GET')
  const oldEx: string | null = await redis.set('k', 'v', 'EXAT', 1e10, 'NX', 'GET')
  const ifeq: 'OK' | null = await redis.set('k', 'v', 'IFEQ', 'old')
  const oldBuf: Buffer | null = await redis.setBuffer('k', 'v', 'GET')
  const exact = await redis.set('k', 'v', 'EX', 5)
  assertType<Equal<typeof exact, 'OK'>>()
  const exactNx = await redis.set('k', 'v', 'EX', 5, 'NX')
  assertType<Equal<typeof exactNx, 'OK' | null>>()
  const exactGet = await redis.set('k', 'v', 'GET')
  assertType<Equal<typeof exactGet, string | null>>()
  expectType<unknown[]>([value, buf, ok, ok2, ok3, ok4, nx, nxEx, nxFirst, xx, old, oldEx, ifeq, oldBuf])

  // @ts-expect-error objects are not Redis values (JSON.stringify them)
  await redis.set('k', { a: 1 })
  // @ts-expect-error EX needs its seconds
  await redis.set('k', 'v', 'EX')
  // @ts-expect-error NX and XX exclude each other
  await redis.set('k', 'v', 'NX', 'XX')
  // @ts-expect-error a SET without NX/XX never resolves null
  const notNull: null = await redis.set('k', 'v', 'EX', 5)
  // @ts-expect-error get() needs a key
  await redis.get()

  const n1: number = await redis.del('a', 'b')
  const n2: number = await redis.del(['a', 'b'])
  const n3: number = await redis.exists('a')
  const n4: number = await redis.expire('a', 10)
  const n5: number = await redis.expire('a', 10, 'NX')
  const n6: number = await redis.pexpire('a', 100, 'GT')
  const n7: number = await redis.ttl('a')
  const n8: number = await redis.pttl('a')
  const n9: number = await redis.incr('a')
  const n10: number = await redis.incrby('a', 5)
  const f1: string = await redis.incrbyfloat('a', 0.5)
  const n11: number = await redis.decr('a')
  const n12: number = await redis.decrby('a', '2')
  const n13: number = await redis.append('a', 'x')
  const n14: number = await redis.strlen('a')
  const n15: number = await redis.unlink('a', 'b')
  expectType<unknown[]>([n1, n2, n3, n4, n5, n6, n7, n8, n9, n10, f1, n11, n12, n13, n14, n15])

  const many: (string | null)[] = await redis.mget('a', 'b')
  const many2: (string | null)[] = await redis.mget(['a', 'b'])
  const manyBuf: (Buffer | null)[] = await redis.mgetBuffer('a', 'b')
  const m1: 'OK' = await redis.mset({ a: '1', b: 2 })
  const m2: 'OK' = await redis.mset(new Map([['a', '1']]))
  const m3: 'OK' = await redis.mset('a', '1', 'b', 2)
  interface Row {
    id: number
    name: string
  }
  const row: Row = { id: 1, name: 'x' }
  const m4: 'OK' = await redis.mset(row)
  // @ts-expect-error nested objects are not Redis values
  await redis.mset({ a: { b: 1 } })

  const gd: string | null = await redis.getdel('a')
  const ge: string | null = await redis.getex('a', 'EX', 10)
  const ge2: string | null = await redis.getex('a', 'PERSIST')
  const geb: Buffer | null = await redis.getexBuffer('a')
  expectType<unknown[]>([many, many2, manyBuf, m1, m2, m3, m4, gd, ge, ge2, geb])

  const kind = await redis.type('a')
  if (kind === 'hash' || kind === 'none') expectType<string>(kind)
  const keys: string[] = await redis.keys('app:*')
  const [cursor, page] = await redis.scan(0, 'MATCH', 'app:*', 'COUNT', 100, 'TYPE', 'hash')
  assertType<Equal<typeof cursor, string>>()
  assertType<Equal<typeof page, string[]>>()
  const [bcursor, bpage] = await redis.scanBuffer('0')
  assertType<Equal<typeof bpage, Buffer[]>>()
  // @ts-expect-error MATCH needs its pattern
  await redis.scan(0, 'MATCH')
  const pong: 'PONG' = await redis.ping()
  const echoed: string = await redis.ping('hi')
  const echo: string = await redis.echo('hi')
  const flushed: 'OK' = await redis.flushdb()
  const flushed2: 'OK' = await redis.flushdb('ASYNC')
  expectType<unknown[]>([keys, bcursor, pong, echoed, echo, flushed, flushed2])
}

async function hashes(redis: Redis) {
  const added: number = await redis.hset('h', { a: '1', b: 2, c: Buffer.from('x') })
  const added2: number = await redis.hset('h', new Map<string, string | number>([['a', 1]]))
  const added3: number = await redis.hset('h', 'a', '1', 'b', 2)
  const field: string | null = await redis.hget('h', 'a')
  const fieldBuf: Buffer | null = await redis.hgetBuffer('h', 'a')
  const fields: (string | null)[] = await redis.hmget('h', 'a', 'b')
  const fields2: (string | null)[] = await redis.hmget('h', ['a', 'b'])
  const all = await redis.hgetall('h')
  assertType<Equal<typeof all, Record<string, string>>>()
  const allBuf = await redis.hgetallBuffer('h')
  assertType<Equal<typeof allBuf, Record<string, Buffer>>>()
  const removed: number = await redis.hdel('h', 'a', 'b')
  const exists = await redis.hexists('h', 'a')
  assertType<Equal<typeof exists, number>>()
  const inc: number = await redis.hincrby('h', 'n', 1)
  const incf: string = await redis.hincrbyfloat('h', 'n', 1.5)
  const hk: string[] = await redis.hkeys('h')
  const hv: string[] = await redis.hvals('h')
  const hl: number = await redis.hlen('h')
  const [hcursor, hitems] = await redis.hscan('h', 0, 'MATCH', 'a*', 'COUNT', 10)
  const [, names] = await redis.hscan('h', '0', 'NOVALUES')
  assertType<Equal<typeof hitems, string[]>>()
  expectType<unknown[]>([
    added,
    added2,
    added3,
    field,
    fieldBuf,
    fields,
    fields2,
    removed,
    inc,
    incf,
    hk,
    hv,
    hl,
    hcursor,
    names,
  ])

  // @ts-expect-error hgetall resolves an object, not a string
  const notString: string = await redis.hgetall('h')
  // @ts-expect-error hexists resolves 1 or 0, not a boolean
  const notBoolean: boolean = await redis.hexists('h', 'a')
  // @ts-expect-error field values must be Redis values
  await redis.hset('h', { nested: { a: 1 } })
  // @ts-expect-error undefined is not a Redis value
  await redis.hset('h', { maybe: undefined })
}

async function lists(redis: Redis) {
  const len: number = await redis.lpush('l', 'a', 'b', 3)
  const len2: number = await redis.rpush('l', Buffer.from('x'))
  const one: string | null = await redis.lpop('l')
  const some: string[] | null = await redis.lpop('l', 2)
  const oneR: string | null = await redis.rpop('l')
  const someR: string[] | null = await redis.rpop('l', '2')
  const range: string[] = await redis.lrange('l', 0, -1)
  const rangeBuf: Buffer[] = await redis.lrangeBuffer('l', 0, -1)
  const llen: number = await redis.llen('l')
  const at: string | null = await redis.lindex('l', 0)
  const rem: number = await redis.lrem('l', 0, 'a')
  const trimmed: 'OK' = await redis.ltrim('l', 0, 10)
  const moved: string | null = await redis.lmove('l', 'm', 'LEFT', 'RIGHT')
  expectType<unknown[]>([len, len2, one, some, oneR, someR, range, rangeBuf, llen, at, rem, trimmed, moved])
  // @ts-expect-error with a count, LPOP resolves an array
  const notOne: string | null = await redis.lpop('l', 2)
  // @ts-expect-error LMOVE directions are LEFT or RIGHT
  await redis.lmove('l', 'm', 'UP', 'RIGHT')
}

async function sets(redis: Redis) {
  const a: number = await redis.sadd('s', 'a', 'b')
  const a2: number = await redis.sadd('s', ['a', 'b'])
  const r: number = await redis.srem('s', 'a')
  const members: string[] = await redis.smembers('s')
  const membersBuf: Buffer[] = await redis.smembersBuffer('s')
  const is: number = await redis.sismember('s', 'a')
  const card: number = await redis.scard('s')
  const inter: string[] = await redis.sinter('s', 't')
  const union: string[] = await redis.sunion(['s', 't'])
  const popped: string | null = await redis.spop('s')
  const poppedMany: string[] = await redis.spop('s', 3)
  const random: string | null = await redis.srandmember('s')
  const randomMany: string[] = await redis.srandmember('s', -2)
  const [scursor, smembers] = await redis.sscan('s', 0, 'COUNT', 50)
  expectType<unknown[]>([
    a,
    a2,
    r,
    members,
    membersBuf,
    is,
    card,
    inter,
    union,
    popped,
    poppedMany,
    random,
    randomMany,
    scursor,
    smembers,
  ])
}

async function sortedSets(redis: Redis) {
  const added: number = await redis.zadd('z', 1, 'a', 2, 'b')
  const added2: number = await redis.zadd('z', 'NX', 'CH', 1, 'a')
  const added3: number = await redis.zadd('z', 'XX', 'GT', 5, 'a')
  const incr: string = await redis.zadd('z', 'INCR', 1, 'a')
  const incrNx: string | null = await redis.zadd('z', 'NX', 'INCR', 1, 'a')
  const range: string[] = await redis.zrange('z', 0, -1)
  const withScores: string[] = await redis.zrange('z', 0, -1, 'WITHSCORES')
  const byScore: string[] = await redis.zrange('z', '-inf', '+inf', 'BYSCORE', 'REV', 'LIMIT', 0, 10, 'WITHSCORES')
  const rangeBuf: Buffer[] = await redis.zrangeBuffer('z', 0, -1)
  const rev: string[] = await redis.zrevrange('z', 0, -1, 'WITHSCORES')
  const scored: string[] = await redis.zrangebyscore('z', '-inf', 10, 'WITHSCORES', 'LIMIT', 0, 5)
  const score = await redis.zscore('z', 'a')
  assertType<Equal<typeof score, string | null>>()
  const incremented = await redis.zincrby('z', 2, 'a')
  assertType<Equal<typeof incremented, string>>()
  const rank: number | null = await redis.zrank('z', 'a')
  const rankScore: [rank: number, score: string] | null = await redis.zrank('z', 'a', 'WITHSCORE')
  const removed: number = await redis.zrem('z', 'a', 'b')
  const card: number = await redis.zcard('z')
  const count: number = await redis.zcount('z', '-inf', '+inf')
  const popped: string[] = await redis.zpopmin('z', 2)
  const [zcursor, zitems] = await redis.zscan('z', 0, 'MATCH', '*')
  expectType<unknown[]>([
    added,
    added2,
    added3,
    incr,
    incrNx,
    range,
    withScores,
    byScore,
    rangeBuf,
    rev,
    scored,
    rank,
    rankScore,
    removed,
    card,
    count,
    popped,
    zcursor,
    zitems,
  ])
  // @ts-expect-error ZSCORE resolves a string (or null), as in ioredis
  const notNumber: number = await redis.zscore('z', 'a')
  // @ts-expect-error ZRANGE has no such option
  await redis.zrange('z', 0, -1, 'BYSCORES')
  // @ts-expect-error with INCR, ZADD resolves the new score
  const notCount: number = await redis.zadd('z', 'INCR', 1, 'a')
}

async function streams(redis: Redis) {
  const id: string | null = await redis.xadd('s', '*', 'field', 'value')
  const id2: string | null = await redis.xadd('s', 'MAXLEN', '~', 1000, '*', 'f', 1)
  const entries = await redis.xrange('s', '-', '+', 'COUNT', 10)
  assertType<Equal<typeof entries, [id: string, fields: string[]][]>>()
  const rev = await redis.xrevrange('s', '+', '-')
  assertType<Equal<typeof rev, [id: string, fields: string[]][]>>()
  const entriesBuf = await redis.xrangeBuffer('s', '-', '+')
  assertType<Equal<typeof entriesBuf, [id: Buffer, fields: Buffer[]][]>>()
  const read = await redis.xread('COUNT', 10, 'STREAMS', 's', 't', '0', '0')
  assertType<Equal<typeof read, [key: string, items: [id: string, fields: string[]][]][] | null>>()
  if (read) {
    for (const [key, items] of read)
      for (const [entryId, fields] of items) expectType<[string, string, string[]]>([key, entryId, fields])
  }
  const len: number = await redis.xlen('s')
  const trimmed: number = await redis.xtrim('s', 'MAXLEN', '~', 100)
  const trimmed2: number = await redis.xtrim('s', 'MINID', '0-1', 'LIMIT', 10)
  const deleted: number = await redis.xdel('s', '0-1', '0-2')
  const created: 'OK' = await redis.xgroup('CREATE', 's', 'g', '$', 'MKSTREAM')
  const destroyed: number = await redis.xgroup('DESTROY', 's', 'g')
  const group = await redis.xreadgroup('GROUP', 'g', 'c', 'COUNT', 5, 'STREAMS', 's', '>')
  assertType<Equal<typeof group, [key: string, items: [id: string, fields: string[] | null][]][] | null>>()
  const acked: number = await redis.xack('s', 'g', '0-1')
  const summary = await redis.xpending('s', 'g')
  const [pendingCount, smallest] = summary
  expectType<[number, string | null]>([pendingCount, smallest])
  const pending = await redis.xpending('s', 'g', '-', '+', 10)
  const [pendingId, consumer, idle, deliveries] = pending[0]
  expectType<[string, string, number, number]>([pendingId, consumer, idle, deliveries])
  const claimed: [id: string, fields: string[]][] = await redis.xclaim('s', 'g', 'c', 1000, '0-1')
  const claimedIds: string[] = await redis.xclaim('s', 'g', 'c', 1000, '0-1', 'JUSTID')
  const [next, autoclaimed] = await redis.xautoclaim('s', 'g', 'c', 1000, '0-0', 'COUNT', 10)
  assertType<Equal<typeof autoclaimed, [id: string, fields: string[]][]>>()
  const info: unknown[] = await redis.xinfo('STREAM', 's')
  expectType<unknown[]>([
    id,
    id2,
    len,
    trimmed,
    trimmed2,
    deleted,
    created,
    destroyed,
    acked,
    claimed,
    claimedIds,
    next,
    info,
  ])
  // @ts-expect-error XRANGE entries are [id, fields] tuples
  const flat: string[] = await redis.xrange('s', '-', '+')
}

async function pubsubAndScripts(redis: Redis) {
  const receivers = await redis.publish('ch', 'hello')
  assertType<Equal<typeof receivers, number>>()
  const subscribed: unknown = await redis.subscribe('a', 'b')
  await redis.psubscribe('news.*')
  await redis.unsubscribe()
  await redis.punsubscribe('news.*')
  const result: unknown = await redis.eval('return KEYS[1]', 1, 'k', 'arg')
  const result2: unknown = await redis.evalsha('abc', 0)
  const sha: string = await redis.script('LOAD', 'return 1')
  const known: number[] = await redis.script('EXISTS', sha, 'other')
  const flushed: 'OK' = await redis.script('FLUSH')
  expectType<unknown[]>([subscribed, result, result2, known, flushed])

  redis.defineCommand('myecho', { lua: 'return ARGV[1]', numberOfKeys: 1 })
  const echoed: string = await redis.myecho('k', 'v')
  const pipelined = await redis.pipeline().myecho('k', 'v').exec()
  expectType<unknown>(pipelined)
}

async function catchAll(redis: Redis) {
  // Commands without a precise signature take Redis arguments and resolve to unknown.
  const geo = await redis.geoadd('places', 13.36, 38.11, 'Palermo')
  assertType<Equal<typeof geo, unknown>>()
  const bits: unknown = await redis.bitcount('k', 0, -1)
  const restored: unknown = await redis['restore-asking']('k', 0, Buffer.from(''))
  const inBuffers: unknown = await redis.lposBuffer('l', 'a', ['RANK', 1])
  const viaCallback: unknown = await redis.object('ENCODING', 'k', (err, value) => expectType<unknown>(value))
  expectType<unknown[]>([bits, restored, inBuffers, viaCallback])
  const any: unknown = await redis.call('GET', 'k')
  const any2: unknown = await redis.call('SET', ['k', 'v'])
  const any3: unknown = await redis.call(['GET', 'k'])
  const any4: unknown = await redis.callBuffer('GET', 'k', (err, v) => {})
  expectType<unknown[]>([any, any2, any3, any4])

  // @ts-expect-error not a Redis command (typos are caught)
  await redis.hgetal('h')
  // @ts-expect-error the catch-all still refuses objects
  await redis.geoadd('places', { lon: 1 })
  // @ts-expect-error call() needs a command name
  await redis.call()
  // @ts-expect-error the precise signatures are not loosened by the catch-all
  await redis.get('a', 'b', 'c')
  // @ts-expect-error the manual transaction's exec() takes no command arguments
  await redis.exec('a')
}

async function manualTransaction(redis: Redis) {
  const opened: 'OK' = await redis.multi({ pipeline: false })
  const queued = await redis.set('a', '1')
  const results: Array<[Error | null, unknown?]> = await redis.exec()
  const raw: unknown[] = await redis.execBuffer()
  return [opened, queued, results, raw]
}

function callbacks(redis: Redis) {
  redis.get('k', (err, value) => {
    assertType<Equal<typeof err, Error | null | undefined>>()
    assertType<Equal<typeof value, string | null | undefined>>()
  })
  redis.del('a', 'b', (err, removed) => {
    assertType<Equal<typeof removed, number | undefined>>()
  })
  redis.hgetall('h', (err, all) => {
    assertType<Equal<typeof all, Record<string, string> | undefined>>()
  })
  redis.scan(0, 'MATCH', 'x*', (err, reply) => {
    assertType<Equal<typeof reply, [cursor: string, elements: string[]] | undefined>>()
  })
  redis.set('k', 'v', 'EX', 10, 'NX', (err, reply) => {
    assertType<Equal<typeof reply, 'OK' | null | undefined>>()
  })
  const promise: Promise<string | null> = redis.get('k', () => {})
  expectType<Promise<unknown>>(promise)
}

async function pipelines(redis: Redis) {
  const pipeline = redis.pipeline().set('a', '1').get('a').hgetall('h').incr('n').geoadd('g', 1, 2, 'm')
  assertType<Equal<typeof pipeline, Redis.Pipeline>>()
  const length: number = pipeline.length
  const results = await pipeline.exec()
  assertType<Equal<typeof results, [error: Error | null, result: unknown][] | null>>()
  if (results) for (const [error, result] of results) expectType<[Error | null, unknown]>([error, result])

  const inline = redis.pipeline().set('a', '1').multi().incr('n').get('a')
  assertType<Equal<typeof inline, Redis.Pipeline>>()
  const options: Redis.ResolvedRedisOptions = inline.options

  const scripted = new Redis({
    url: 'https://x',
    token: 't',
    scripts: { echoArg: { lua: 'return ARGV[1]', numberOfKeys: 0 } },
    replyMapping: 'resp3',
    protocol: 3,
    showFriendlyErrorStack: true,
  })
  scripted.addBuiltinCommand('module.cmd')

  const tx = redis.multi().set('a', '1').expire('a', 10)
  const txResults: Redis.ExecResult = await tx.exec()
  const batch = await redis
    .pipeline([
      ['set', 'k', 'v'],
      ['get', 'k'],
    ])
    .exec()
  redis.pipeline().get('a', (err, value) => expectType<string | null | undefined>(value))
  const chain: Redis.ChainableCommander = redis.multi()
  expectType<unknown[]>([length, txResults, batch, chain])

  // @ts-expect-error a queued command returns the pipeline, not a promise
  const notPromise: Promise<string | null> = redis.pipeline().get('a')
  const called = redis
    .pipeline()
    .call('GET', 'k')
    .callBuffer(['GET', 'k'])
    .addBatch([['incr', 'n']])
  assertType<Equal<typeof called, Redis.Pipeline>>()
  // @ts-expect-error call() needs a command name
  redis.pipeline().call()
  // @ts-expect-error exec() results are [error, result] pairs
  const notStrings: string[] = await redis.pipeline().get('a').exec()
}

function events(redis: Redis) {
  redis.on('ready', () => {})
  redis.on('connect', () => {})
  redis.on('close', () => {})
  redis.once('end', () => {})
  redis.on('error', (err) => expectType<Error>(err))
  redis.on('reconnecting', (ms) => expectType<number>(ms))
  redis.on('message', (channel, message) => expectType<[string, string]>([channel, message]))
  redis.on('messageBuffer', (channel, message) => expectType<[Buffer, Buffer]>([channel, message]))
  redis.on('pmessage', (pattern, channel, message) => expectType<string[]>([pattern, channel, message]))
  redis.on('pmessageBuffer', (pattern, channel, message) =>
    expectType<[string, Buffer, Buffer]>([pattern, channel, message]),
  )
  redis.off('error', (err: Error) => {})
  redis.on('somethingElse', (...args: unknown[]) => {}) // other names stay open, as on any EventEmitter
  const chained: Redis = redis.on('ready', () => {}).once('error', () => {})
  expectType<Redis>(chained)
  // @ts-expect-error 'error' listeners receive an Error
  redis.on('error', (err: number) => {})
  // @ts-expect-error 'message' listeners receive strings
  redis.on('message', (channel: Buffer) => {})
  // @ts-expect-error 'ready' listeners receive nothing
  redis.once('ready', (x: string) => {})
}

async function scanStreams(redis: Redis) {
  const stream = redis.scanStream({ match: 'app:*', count: 100, type: 'hash' })
  stream.on('data', (keys) => assertType<Equal<typeof keys, string[]>>())
  stream.on('error', (err) => assertType<Equal<typeof err, Error>>()).once('end', () => {})
  for await (const keys of redis.hscanStream('h', { noValues: true })) assertType<Equal<typeof keys, string[]>>()
  for await (const keys of redis.zscanBufferStream('z')) assertType<Equal<typeof keys, Buffer[]>>()
  const s: Redis.ScanStream<string> = redis.sscanStream('s')
  s.close()
  const b: Redis.ScanStream<Buffer> = redis.scanBufferStream()
  const readable: Readable = b
  expectType<unknown>(readable)
  // @ts-expect-error scanStream options are match/type/count/noValues
  redis.scanStream({ pattern: '*' })
}

async function errors(redis: Redis) {
  try {
    await redis.get('k')
  } catch (error) {
    if (error instanceof Redis.ReplyError) {
      const message: string = error.message
      const name: 'ReplyError' = error.name
      const command: string | undefined = error.command?.name
      expectType<unknown[]>([message, name, command])
    } else if (error instanceof Redis.TransportError) {
      const code: Redis.TransportErrorCode = error.code
      if (code === 'ECONNREFUSED' || code === 'EHTTP_503') expectType<string>(code)
    } else if (error instanceof Redis.RestrictedCommandError) {
      const code: 'ERR_REST_UNSUPPORTED' = error.code
      expectType<string>(code)
    }
  }
  const e: Error = new Redis.ReplyError('ERR x')
  expectType<Error>(e)
  const P: typeof Redis.Pipeline = Redis.Pipeline
  const S: typeof Redis.ScanStream = Redis.ScanStream
  expectType<unknown[]>([P, S])
  // @ts-expect-error pipelines are created through the client
  new Redis.Pipeline()
}

function exportedTypes() {
  const key: Redis.RedisKey = Buffer.from('k')
  const value: Redis.RedisValue = 1
  const cb: Redis.Callback<string> = (err, result) => {}
  const opts: Redis.RedisOptions = { keyPrefix: 'x' }
  expectType<unknown[]>([key, value, cb, opts])
  // @ts-expect-error RedisKey has no numbers
  const badKey: Redis.RedisKey = 1
}

async function gateway() {
  const options: StartGatewayOptions = {
    token: 't',
    port: 0,
    host: '127.0.0.1',
    redis: DEFAULTS.redis,
    maxBody: 1 << 20,
    readonlyToken: 'r',
    maxRequestSize: 1 << 20,
    maxReply: 1 << 20,
    poolSize: 4,
    poolTimeout: 1000,
    maxStreams: 8,
    tlsCert: 'cert.pem',
    tlsKey: 'key.pem',
    latency: [20, 80],
    failRate: 0.1,
    dropAfterApply: 0.05,
    stall: 0.01,
    seed: 7,
    verbose: true,
  }
  await startGateway({ token: 't', latency: 50 })
  const handle: GatewayHandle = await startGateway(options)
  const simulation: string[] = handle.simulation
  expectType<string[]>(simulation)
  const url: string = handle.url
  const port: number = handle.port
  const loopback: boolean = handle.isLoopback
  const lines: string = envLines(handle.url, 't')
  await handle.close()
  await handle.closed()
  const defaultPort: 8079 = DEFAULTS.port
  const defaultSize: number = DEFAULTS.maxRequestSize
  const help: string = usage()
  const flags: string[] = OPTIONS.map((o) => `--${o.flag} [${o.env}]`)
  expectType<unknown[]>([defaultSize, help, flags])
  expectType<unknown[]>([url, port, loopback, lines, defaultPort])
  // The generated native handle satisfies the documented one.
  const native: GatewayHandle = null as unknown as import('../../binding').GatewayHandle
  expectType<GatewayHandle>(native)
  // @ts-expect-error the token is required
  await startGateway({ port: 8080 })
}

async function devStack() {
  const stack: DevStack = await startDevStack({ gatewayPort: 0, log: (line) => expectType<string>(line) })
  const env: { UPSTASH_REDIS_REST_URL: string; UPSTASH_REDIS_REST_TOKEN: string } = stack.env
  const pid: number | null = stack.pids.redis
  const client = new Redis({ url: stack.url, token: stack.token })
  await stack.stopRedis()
  await stack.startRedis()
  await stack.restartGateway()
  await stack.stop()
  expectType<unknown[]>([env, pid, client, stack.redisUrl, stack.redisPort, stack.dir])
  // @ts-expect-error unknown option
  await startDevStack({ redisPortt: 1 })
}

export {
  construction,
  strings,
  hashes,
  lists,
  sets,
  sortedSets,
  streams,
  pubsubAndScripts,
  catchAll,
  callbacks,
  pipelines,
  events,
  scanStreams,
  errors,
  exportedTypes,
  gateway,
  devStack,
}
