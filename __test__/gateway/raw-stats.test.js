'use strict'
// GET /__gateway/stats: what the gateway has served (requests, commands, errors), its open
// streams and its pool, for the standard token only. A gateway of its own, so the counts are exact.
const net = require('node:net')
const { startGateway } = require('../../lib/gateway')
const { env, uniqueKey } = require('../support')
const { send, openStream, expectError, waitUntil } = require('./support')

const TOKEN = 'stats-token'
const READONLY = 'stats-readonly'
let gw
beforeAll(async () => {
  gw = await startGateway({ redis: env().redisUrl, port: 0, token: TOKEN, readonlyToken: READONLY, poolSize: 3 })
})
afterAll(() => gw.close())

const stats = async () => {
  const res = await send({ url: gw.url, token: TOKEN, method: 'GET', path: '/__gateway/stats' })
  expect(res.status).toBe(200)
  expect(res.headers['content-type']).toMatch(/^application\/json/)
  return res.json
}
const post = (opts) => send({ url: gw.url, token: TOKEN, ...opts })

test('the shape: counters, streams and pool use', async () => {
  expect(await stats()).toEqual({
    requests: expect.any(Number),
    commands: expect.any(Number),
    errors: expect.any(Number),
    openStreams: 0,
    maxStreams: 128,
    pool: { size: 3, idle: expect.any(Number), inUse: 0 },
    aclUsers: 0,
    mintedTokens: 0,
  })
})

test('minted REST tokens and the ACL users they run as are counted', async () => {
  const before = await stats()
  // GENTOKEN needs no existing user; two tokens, two distinct users (each token is its own password).
  for (const name of ['stats-user-a', 'stats-user-b']) {
    expect((await post({ body: ['ACL', 'GENTOKEN', name] })).status).toBe(200)
  }
  const after = await stats()
  expect([after.aclUsers - before.aclUsers, after.mintedTokens - before.mintedTokens]).toEqual([2, 2])
})

test('requests, commands and errors count exactly what was served', async () => {
  const before = await stats()
  const k = uniqueKey('stats')
  await post({ body: ['SET', k, '1'] }) // 1 request, 1 command
  await post({ path: '/pipeline', body: [['INCR', k], ['GET', k], ['GET']] }) // 1 request, 3 commands (200)
  await post({ body: ['INCR'] }) // 1 command, a 400
  await post({ body: ['PING'], token: 'wrong' }) // a 401: no command
  await post({ method: 'DELETE', path: '/' }) // a 405: no command
  const after = await stats()
  // The first stats request is counted too (after it was answered).
  expect(after.requests - before.requests).toBe(1 + 5)
  expect(after.commands - before.commands).toBe(1 + 3 + 1)
  expect(after.errors - before.errors).toBe(3)
})

test('an open stream is counted while it is open', async () => {
  const stream = await openStream(`/subscribe/${encodeURIComponent(uniqueKey('stats-sub'))}`, {
    url: gw.url,
    token: TOKEN,
  })
  try {
    expect((await stats()).openStreams).toBe(1)
  } finally {
    stream.close()
  }
  await waitUntil(async () => (await stats()).openStreams === 0, { what: 'the stream closing' })
})

test('pool use: connections lent out show as in use; returned ones as idle', async () => {
  // A "Redis" that accepts and never answers holds each request's connection, without slowing the
  // real redis-server the other suites share.
  const sockets = new Set()
  const mute = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => {})
  })
  await new Promise((resolve) => mute.listen(0, '127.0.0.1', resolve))
  const held = await startGateway({
    redis: `redis://127.0.0.1:${mute.address().port}`,
    port: 0,
    token: TOKEN,
    poolSize: 3,
  })
  const statsOf = async () =>
    (await send({ url: held.url, token: TOKEN, method: 'GET', path: '/__gateway/stats' })).json
  try {
    const waiting = [1, 2].map(() => send({ url: held.url, token: TOKEN, body: ['GET', 'k'], timeoutMs: 20000 }))
    await waitUntil(async () => (await statsOf()).pool.inUse === 2, { what: 'two requests holding a connection' })
    expect((await statsOf()).pool).toEqual({ size: 3, idle: 0, inUse: 2 })
    sockets.forEach((s) => s.destroy())
    await Promise.all(waiting) // 502s: a broken connection is dropped, not returned
    expect((await statsOf()).pool).toEqual({ size: 3, idle: 0, inUse: 0 })
  } finally {
    await held.close()
    sockets.forEach((s) => s.destroy())
    await new Promise((resolve) => mute.close(resolve))
  }
  await post({ body: ['PING'] })
  expect((await stats()).pool).toEqual({ size: 3, idle: expect.any(Number), inUse: 0 })
  expect((await stats()).pool.idle).toBeGreaterThanOrEqual(1)
})

test('auth is required, and only the standard token sees it', async () => {
  expectError(await send({ url: gw.url, method: 'GET', path: '/__gateway/stats', token: null }), 401)
  expectError(await send({ url: gw.url, method: 'GET', path: '/__gateway/stats', token: 'wrong' }), 401)
  const readonly = await send({ url: gw.url, method: 'GET', path: '/__gateway/stats', token: READONLY })
  expectError(readonly, 403, /needs the standard token/)
})
