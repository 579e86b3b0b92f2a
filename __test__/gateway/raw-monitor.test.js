'use strict'
// `/monitor`: Server-Sent Events in Upstash's format (`data: "OK"`, then `data: <ts> [0 0.0.0.0:0]
// "GET" "k"`), on a Redis connection of its own that closes when the client leaves, counted with
// the subscriptions against --max-streams, without the gateway's own housekeeping.
const crypto = require('node:crypto')
const http = require('node:http')
const IORedis = require('ioredis')
const { startGateway } = require('../../lib/gateway')
const { env, uniqueKey } = require('../support')
const { cmd, send, openStream, waitUntil, expectError, expectResult, direct, sha1 } = require('./support')

// Redis's MONITOR line with the address masked: `<sec>.<usec> [<db> 0.0.0.0:0] "ARG" …`.
const LINE = /^\d+\.\d{6} \[\d+ (0\.0\.0\.0:0|lua)\] (".*")$/
const quoted = (...args) => args.map((a) => `"${a}"`).join(' ')

let redis
beforeAll(() => {
  redis = direct()
})
afterAll(async () => {
  await redis.quit()
})

const streams = []
afterEach(() => {
  while (streams.length) streams.pop().close()
})
async function monitor(opts) {
  const stream = await openStream('/monitor', opts)
  streams.push(stream)
  return stream
}

/** The ids of the connections Redis lists as monitors (flag `O`), of database `db` if given; null when none. */
async function monitors(db) {
  const list = await redis.client('LIST')
  const ids = list
    .split('\n')
    .filter((line) => / flags=\w*O/.test(line) && (db === undefined || line.includes(` db=${db} `)))
    .map((line) => line.match(/id=(\d+)/)[1])
  return db === undefined || ids.length ? ids : null
}

describe('/monitor', () => {
  test('"OK" first, then each command in Upstash\'s line format, client address masked', async () => {
    const k = uniqueKey('mon')
    const s = await monitor()
    expect(s.status).toBe(200)
    expect(s.headers['content-type']).toMatch(/^text\/event-stream/)
    await s.waitFor('"OK"')
    expect(s.events[0]).toBe('"OK"')
    expectResult(await cmd(['SET', k, 'v']), 'OK')
    expectResult(await cmd(['GET', k]), 'v')
    const get = await s.waitFor((e) => e.endsWith(quoted('GET', k)))
    const [, source, args] = get.match(LINE)
    expect([source, args]).toEqual(['0.0.0.0:0', quoted('GET', k)])
    const set = s.events.find((e) => e.includes(quoted('SET', k, 'v')))
    expect(set).toMatch(LINE)
    expect(s.events.indexOf(set)).toBeLessThan(s.events.indexOf(get))
    // The timestamp is Redis's clock, in seconds.
    expect(Math.abs(Number(get.split(' ')[0]) * 1000 - Date.now())).toBeLessThan(60000)
    // No client address leaks: every line so far (other suites' commands too) is masked.
    for (const line of s.events.slice(1)) expect(line).toMatch(LINE)
  })

  test("binary and special bytes are quoted with Redis's own MONITOR escaping, one line each", async () => {
    const k = uniqueKey('mon-bin')
    const s = await monitor()
    await s.waitFor('"OK"')
    // Through redis directly, so any byte can be sent: the line is Redis's, only the address masked.
    await redis.set(Buffer.from(k), Buffer.from([0x61, 0x01, 0x22, 0x5c, 0x0a, 0x0d, 0x20, 0xff, 0xc3, 0xa9]))
    const line = await s.waitFor((e) => e.includes(`"${k}"`))
    expect(line).toMatch(LINE)
    expect(line.endsWith(`"set" "${k}" "a\\x01\\"\\\\\\n\\r \\xff\\xc3\\xa9"`)).toBe(true)
  })

  test("a script's commands show with source `lua`; a key-locking script shows without the gateway's checks", async () => {
    const k = uniqueKey('mon-lua')
    const s = await monitor()
    await s.waitFor('"OK"')
    const body = `-- ${crypto.randomUUID()}\nreturn redis.call('INCR', KEYS[1])`
    const script = `#!lua flags=allow-key-locking\n${body}`
    expectResult(await cmd(['EVAL', script, 1, k]), 1)
    expectResult(await cmd(['EVALSHA', sha1(script), 1, k]), 2)
    await s.waitFor(
      (e) => e.endsWith(`[0 lua] ${quoted('INCR', k)}`) && s.events.filter((x) => x.includes(k)).length >= 4,
    )
    const mine = s.events.filter((e) => e.includes(k))
    for (const line of mine) expect(line).toMatch(LINE)
    // The EVAL as the user wrote the body (the flag is not Redis's, so Redis ran it without).
    expect(mine[0]).toContain(`"EVAL" "#!lua\\n${body.replace(/\n/g, '\\n')}" "1" "${k}"`)
    // The key checks (`COMMAND GETKEYS`) the gateway adds are its own, not shown.
    expect(s.events.some((e) => /"command" "GetKeys"/i.test(e))).toBe(false)
    expect(mine.filter((e) => e.endsWith(`[0 lua] ${quoted('INCR', k)}`))).toHaveLength(2)
  })

  test("a script's own COMMAND GETKEYS is the application's, and shows", async () => {
    const s = await monitor()
    await s.waitFor('"OK"')
    const k = uniqueKey('mon-getkeys')
    expectResult(await cmd(['EVAL', "return redis.call('COMMAND', 'GETKEYS', 'GET', KEYS[1])", 1, k]), [k])
    await s.waitFor((e) => e.endsWith(`[0 lua] ${quoted('COMMAND', 'GETKEYS', 'GET', k)}`))
  })

  test('longer paths are the path form of MONITOR, which is refused', async () => {
    expectError(await send({ path: '/monitor/extra' }), 400, /MONITOR.*\/monitor/)
    expectError(await send({ path: '/monitor', token: 'wrong' }), 401)
  })
})

describe('/monitor on a private gateway', () => {
  const TOKEN = 'monitor-token'
  let gw
  afterEach(async () => {
    while (streams.length) streams.pop().close()
    if (gw) await gw.close()
    gw = undefined
  })

  test('closing the HTTP stream closes its Redis connection', async () => {
    // Database 11 (nothing else here uses it) tells this gateway's monitor connection apart from
    // those other suites may have open on the same redis-server.
    gw = await startGateway({ redis: `${env().redisUrl.replace(/\/\d*$/, '')}/11`, port: 0, token: TOKEN })
    const s = await monitor({ url: gw.url, token: TOKEN })
    await s.waitFor('"OK"')
    const opened = await waitUntil(async () => monitors(11), { what: 'a monitor connection in CLIENT LIST' })
    expect(opened).toHaveLength(1)
    s.close()
    await waitUntil(async () => !(await monitors()).includes(opened[0]), {
      what: 'the monitor connection gone from CLIENT LIST',
      timeoutMs: 10000,
    })
  })

  test('counts against --max-streams with the subscriptions: the next one gets the 429', async () => {
    gw = await startGateway({ redis: env().redisUrl, port: 0, token: TOKEN, maxStreams: 2 })
    const m = await monitor({ url: gw.url, token: TOKEN })
    const sub = await openStream(`/subscribe/${uniqueKey('mon-cap')}`, { url: gw.url, token: TOKEN })
    streams.push(sub)
    expect([m.status, sub.status]).toEqual([200, 200])
    expectError(
      await send({ url: gw.url, token: TOKEN, path: '/monitor' }),
      429,
      /at most 2 Server-Sent Events streams.*--max-streams/,
    )
    expectError(await send({ url: gw.url, token: TOKEN, path: `/subscribe/${uniqueKey('x')}` }), 429)
    m.close()
    const again = await waitUntil(
      async () => {
        const s = await openStream('/monitor', { url: gw.url, token: TOKEN })
        if (s.status === 200) return s
        s.close()
        return null
      },
      { what: 'a freed stream place', timeoutMs: 10000 },
    )
    streams.push(again)
    await again.waitFor('"OK"')
  })

  test("a keep-alive comment every 15 s while idle, like the subscriptions'", async () => {
    // Raw bytes: openStream() keeps only `data:` lines. A private, idle gateway: no line but ours.
    gw = await startGateway({ redis: env().redisUrl, port: 0, token: TOKEN })
    const target = new URL(gw.url)
    let text = ''
    const req = http.request({
      host: target.hostname,
      port: target.port,
      path: '/monitor',
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, accept: 'text/event-stream' },
      agent: false,
    })
    req.on('response', (res) => res.on('data', (chunk) => (text += chunk)))
    req.on('error', () => {})
    req.end()
    try {
      await waitUntil(() => text.includes(': keepalive\n\n'), { what: 'a keep-alive comment', timeoutMs: 25000 })
      expect(text.startsWith('data: "OK"\n\n')).toBe(true)
    } finally {
      req.destroy()
    }
  }, 40000)

  test("the gateway's own handshake (AUTH, SELECT) is left out; the application's commands are not", async () => {
    // A database other than 0 makes every new gateway connection send SELECT first.
    const url = `${env().redisUrl.replace(/\/\d*$/, '')}/5`
    gw = await startGateway({ redis: url, port: 0, token: TOKEN, poolSize: 4 })
    const m = await monitor({ url: gw.url, token: TOKEN })
    await m.waitFor('"OK"')
    // Several at once: the pool opens new connections, each with its SELECT.
    const k = uniqueKey('mon-select')
    await Promise.all(
      Array.from({ length: 4 }, (_, i) => send({ url: gw.url, token: TOKEN, body: ['SET', `${k}:${i}`, i] })),
    )
    // Another client's SELECT is not the gateway's: it shows.
    const other = new IORedis(env().redisUrl, { maxRetriesPerRequest: 1, db: 6 })
    try {
      await other.ping()
      await m.waitFor((e) => /^\S+ \[6 0\.0\.0\.0:0\] "ping"$/i.test(e))
      await m.waitFor((e) => /"select" "6"/i.test(e))
    } finally {
      other.disconnect()
    }
    const sets = m.events.filter((e) => e.includes(`"SET" "${k}:`))
    expect(sets).toHaveLength(4)
    // The database number is Redis's: the gateway's is 5.
    for (const line of sets) expect(line).toMatch(/^\S+ \[5 0\.0\.0\.0:0\] /)
    expect(m.events.filter((e) => /"select" "5"/i.test(e))).toEqual([])
  })
})
