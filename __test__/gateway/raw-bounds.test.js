'use strict'
// Every wait inside the gateway is bounded and every resource it holds per request is capped:
// a held pool answers 503 instead of hanging, a mute Redis cannot hang the handshake, SSE streams
// (one Redis connection each) are capped with a 429, and replies beyond --max-reply are refused
// with Upstash-style limit text instead of being buffered without bound.
const net = require('node:net')
const crypto = require('node:crypto')
const { startGateway } = require('../../lib/gateway')
const { env, uniqueKey } = require('../support')
const { send, openStream, expectError, expectResult, waitUntil, direct } = require('./support')

const TOKEN = 'bounds-token'
const MB = 1024 * 1024

/** A TCP server that accepts connections and never says a word (a hung Redis). */
async function muteServer() {
  const sockets = new Set()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => {})
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: server.address().port,
    connections: () => sockets.size,
    cutAll: () => sockets.forEach((s) => s.destroy()),
    close: () => {
      sockets.forEach((s) => s.destroy())
      return new Promise((resolve) => server.close(resolve))
    },
  }
}

async function gateway(options) {
  const handle = await startGateway({ port: 0, token: TOKEN, ...options })
  return { handle, url: handle.url, close: () => handle.close() }
}

describe('waiting for a pooled connection is bounded', () => {
  test('with the only connection held by a request Redis never answers, PING gets a quick 503', async () => {
    const mute = await muteServer()
    const gw = await gateway({ redis: `redis://127.0.0.1:${mute.port}`, poolSize: 1, poolTimeout: 300 })
    try {
      const held = send({ url: gw.url, token: TOKEN, body: ['GET', 'k'], timeoutMs: 20000 })
      await waitUntil(() => mute.connections() === 1, { what: 'the held request reaching "Redis"' })
      const res = await send({ url: gw.url, token: TOKEN, body: ['PING'], timeoutMs: 5000 })
      expectError(res, 503, /no Redis connection became free within 300 ms.*--pool-size/)
      mute.cutAll() // Redis "goes away": the held request fails instead of waiting 30 s
      expectError(await held, 502, /connection to Redis failed/)
    } finally {
      await gw.close()
      await mute.close()
    }
  })

  test('a Redis that accepts but never answers the AUTH handshake → 503 within the connect bound', async () => {
    const mute = await muteServer()
    const gw = await gateway({ redis: `redis://:secret@127.0.0.1:${mute.port}` })
    try {
      const res = await send({ url: gw.url, token: TOKEN, body: ['PING'], timeoutMs: 10000 })
      expectError(res, 503, /Redis is unavailable.*handshake/)
      expect(res.json.error).not.toContain('secret')
    } finally {
      await gw.close()
      await mute.close()
    }
  })
})

describe('Server-Sent Events streams are capped', () => {
  let gw
  let redis
  beforeAll(async () => {
    gw = await gateway({ redis: env().redisUrl, maxStreams: 2 })
    redis = direct()
  })
  afterAll(async () => {
    await gw.close()
    await redis.quit()
  })

  test('past --max-streams a stream gets 429 {"error"}; closing one frees its place', async () => {
    const channel = uniqueKey('cap')
    const a = await openStream(`/subscribe/${channel}`, { url: gw.url, token: TOKEN })
    const b = await openStream(`/subscribe/${channel}`, { url: gw.url, token: TOKEN })
    try {
      expect([a.status, b.status]).toEqual([200, 200])
      const third = await send({ url: gw.url, token: TOKEN, path: `/subscribe/${channel}`, timeoutMs: 5000 })
      expectError(third, 429, /at most 2 Server-Sent Events streams.*--max-streams/)
      // Ordinary requests are not streams and still run.
      expectResult(await send({ url: gw.url, token: TOKEN, body: ['PING'] }), 'PONG')
      expect(await redis.pubsub('NUMSUB', channel)).toEqual([channel, 2])
      a.close()
      const c = await waitUntil(
        async () => {
          const s = await openStream(`/subscribe/${channel}`, { url: gw.url, token: TOKEN })
          if (s.status === 200) return s
          return null
        },
        { what: 'a freed stream place', timeoutMs: 10000 },
      )
      c.close()
    } finally {
      a.close()
      b.close()
    }
    // Every stream's Redis connection is gone once its client is.
    await waitUntil(async () => (await redis.pubsub('NUMSUB', channel))[1] === 0, { what: 'streams closed in Redis' })
  })
})

describe('replies larger than --max-reply', () => {
  let gw
  let redis
  beforeAll(async () => {
    gw = await gateway({ redis: env().redisUrl, maxReply: MB })
    redis = direct()
  })
  afterAll(async () => {
    await gw.close()
    await redis.quit()
  })

  test('a 2 MB GET → 400 naming the limit; the gateway keeps serving; 512 KB still comes back whole', async () => {
    const k = uniqueKey('big-reply')
    const big = crypto.randomBytes(2 * MB)
    const fits = crypto.randomBytes(MB / 2)
    await redis.set(k, big)
    await redis.set(`${k}:fits`, fits)
    for (const headers of [{}, { 'upstash-encoding': 'base64' }, { 'upstash-response-format': 'resp2' }]) {
      const res = await send({ url: gw.url, token: TOKEN, body: ['GET', k], headers, timeoutMs: 20000 })
      expectError(
        res,
        400,
        /^ERR max reply size exceeded\. Limit: 1048576 bytes, Actual: at least \d+ bytes.*--max-reply/,
      )
      expectResult(await send({ url: gw.url, token: TOKEN, body: ['PING'] }), 'PONG')
    }
    const ok = await send({
      url: gw.url,
      token: TOKEN,
      body: ['GET', `${k}:fits`],
      headers: { 'upstash-encoding': 'base64' },
    })
    expect(Buffer.from(ok.json.result, 'base64').equals(fits)).toBe(true)
  })

  test('many small values adding up past the limit (LRANGE, pipeline) → the same 400', async () => {
    const k = uniqueKey('big-list')
    const chunk = crypto.randomBytes(64 * 1024).toString('hex')
    await redis.rpush(k, ...Array.from({ length: 20 }, () => chunk))
    expectError(
      await send({ url: gw.url, token: TOKEN, body: ['LRANGE', k, '0', '-1'] }),
      400,
      /max reply size exceeded/,
    )
    expectResult(await send({ url: gw.url, token: TOKEN, body: ['LLEN', k] }), 20)
  })
})
