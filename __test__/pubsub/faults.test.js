'use strict'
// Pub/sub against servers that misbehave on cue: the gateway's own --latency where it is only
// latency, else a TCP proxy in front of the real gateway (latency with cut connections, a server
// that hangs, one that confirms and drops, a token revoked mid-stream: faults inside a long-lived
// SSE response that no gateway flag makes). Some
// tests block this process's event loop on purpose: the native core keeps receiving meanwhile, so
// events of an earlier stream are still queued when JavaScript acts again — the race a busy
// server hits by accident.
const {
  env,
  channelName,
  factory,
  record,
  mark,
  eventNamesSince,
  waitForEvent,
  waitForMessages,
  rejectionOf,
  within,
  sleep,
  runNode,
  messagesSoFar,
} = require('./support')
const fs = require('node:fs')
const http = require('node:http')
const os = require('node:os')
const path = require('node:path')
const { startTcpProxy } = require('./tcp-proxy')
const { useSimulatedGateway } = require('../client/support/common')

const DEADLINE_MS = 10000
const RECOVERY_MS = 15000

jest.setTimeout(60000)

const { subscriber, publisher } = factory()
const sim = useSimulatedGateway()
let proxy
beforeAll(async () => {
  proxy = await startTcpProxy(env().url)
})
afterEach(() => proxy.set({ mode: 'pass', latencyMs: 0 }))
afterAll(() => proxy.close())

/** Keeps this thread busy: nothing is drained from the native core meanwhile. */
function blockEventLoop(ms) {
  const until = Date.now() + ms
  while (Date.now() < until) {
    // busy on purpose
  }
}

const errorsSince = (client, since) =>
  record(client)
    .events.slice(since)
    .filter((e) => e.event === 'error')
    .map((e) => e.args[0])

describe('events of an earlier stream of the same channel', () => {
  // The gateway's own --latency (each SSE response and event held back); the proxy's latency is
  // kept for the tests that also cut connections.
  test('subscribe → unsubscribe → subscribe with 300 ms latency: the second resolves once its own stream is subscribed', async () => {
    const ch = channelName('stale-confirm')
    const sub = subscriber(await sim.start({ latency: 300 }))
    const first = sub.subscribe(ch).catch((error) => error)
    // The first stream's confirmation reaches the native core while JavaScript is busy.
    blockEventLoop(2500)
    sub.unsubscribe(ch)
    const second = sub.subscribe(ch)
    expect(await within(second, DEADLINE_MS, 'the second subscribe()')).toBe(1)
    expect(await first).toBe(1) // resolved, as ioredis does for subscribe → unsubscribe
    const since = mark(sub)
    expect(await publisher().publish(ch, 'right after')).toBeGreaterThanOrEqual(1)
    const [message] = await waitForMessages(sub, 1, DEADLINE_MS, { channel: ch, since })
    expect(message.payload.toString()).toBe('right after')
  })

  test("an earlier stream's 'reconnecting' and error never reach the new subscription", async () => {
    const ch = channelName('stale-drop')
    const sub = subscriber({ url: proxy.url })
    expect(await sub.subscribe(ch)).toBe(1)
    await proxy.set({ latencyMs: 300 })
    // The first stream drops (and comes back) while JavaScript is busy.
    const cut = proxy.cutAll()
    blockEventLoop(2500)
    await cut
    sub.unsubscribe(ch)
    const since = mark(sub)
    expect(await within(sub.subscribe(ch), DEADLINE_MS, 'the second subscribe()')).toBe(1)
    await sleep(500)
    expect(eventNamesSince(sub, since, ['reconnecting', 'error', 'ready'])).toEqual([])
    expect(await publisher().publish(ch, 'new stream')).toBeGreaterThanOrEqual(1)
    const [message] = await waitForMessages(sub, 1, DEADLINE_MS, { channel: ch, since })
    expect(message.payload.toString()).toBe('new stream')
  })
})

describe('messages of an earlier stream of the same channel', () => {
  test('a message the old stream had queued is not emitted after unsubscribe(), not even on the new subscription', async () => {
    const ch = channelName('stale-message')
    const marker = path.join(os.tmpdir(), `${ch.replace(/[^\w-]/g, '_')}.published`)
    const sub = subscriber()
    expect(await sub.subscribe(ch)).toBe(1)
    // Another process publishes while this one is busy, so the message waits in the native core.
    const child = runNode(
      `const IORedis = require(${JSON.stringify(require.resolve('ioredis'))});
       const r = new IORedis(process.env.T_REDIS);
       r.publish(process.env.T_CH, 'queued for the old stream').then((n) => {
         require('node:fs').writeFileSync(process.env.T_MARKER, String(n));
         r.disconnect();
       });`,
      { env: { T_REDIS: env().redisUrl, T_CH: ch, T_MARKER: marker }, timeoutMs: DEADLINE_MS },
    )
    try {
      const until = Date.now() + DEADLINE_MS
      while (!fs.existsSync(marker) && Date.now() < until) blockEventLoop(10)
      blockEventLoop(500) // the event reaches the native core meanwhile
      expect(fs.readFileSync(marker, 'utf8')).toBe('1')
      sub.unsubscribe(ch)
      expect(await within(sub.subscribe(ch), DEADLINE_MS, 'the second subscribe()')).toBe(1)
      await sleep(500)
      expect(messagesSoFar(sub, { channel: ch }).map((e) => e.args[1].toString())).toEqual([])
    } finally {
      await child
      fs.rmSync(marker, { force: true })
    }
  })
})

describe("'ready' once nothing is reconnecting any more", () => {
  test("the last reconnecting stream unsubscribed: 'ready'", async () => {
    const ch = channelName('ready-unsub')
    const sub = subscriber({ url: proxy.url })
    await sub.subscribe(ch)
    const since = mark(sub)
    await proxy.set({ mode: 'mute' })
    await proxy.cutAll()
    await waitForEvent(sub, 'reconnecting', RECOVERY_MS, () => true, since)
    expect(await sub.unsubscribe(ch)).toBe(0)
    await waitForEvent(sub, 'ready', DEADLINE_MS, () => true, since)
    expect(eventNamesSince(sub, since, ['reconnecting', 'ready'])).toEqual(['reconnecting', 'ready'])
  })

  test("the last reconnecting stream failed for good (token refused on reconnect): 'error', then 'ready'", async () => {
    const [ch, kept] = [channelName('ready-failed'), channelName('ready-kept')]
    const sub = subscriber({ url: proxy.url })
    await sub.subscribe(ch)
    const since = mark(sub)
    await proxy.set({ mode: 'refuse-401' })
    await proxy.cutAll()
    await waitForEvent(sub, 'ready', RECOVERY_MS, () => true, since)
    expect(eventNamesSince(sub, since, ['reconnecting', 'ready'])).toEqual(['reconnecting', 'ready'])
    expect(errorsSince(sub, since).map((e) => e.code)).toContain('EUNAUTHORIZED')
    // The failed subscription is gone: counting starts again from zero.
    await proxy.set({ mode: 'pass' })
    expect(await within(sub.subscribe(kept), DEADLINE_MS, 'subscribe() afterwards')).toBe(1)
  })
})

describe('a server that accepts the connection and never answers', () => {
  test('subscribe() and psubscribe() reject with ETIMEDOUT after commandTimeout, retried per maxRetriesPerRequest, an error per attempt', async () => {
    const ch = channelName('mute')
    await proxy.set({ mode: 'mute' })
    const sub = subscriber({ url: proxy.url, commandTimeout: 400, maxRetriesPerRequest: 1 })
    for (const [call, name] of [
      ['subscribe', ch],
      ['psubscribe', `${ch}*`],
    ]) {
      const since = mark(sub)
      const before = await proxy.connections()
      const error = await within(rejectionOf(sub[call](name)), DEADLINE_MS, `${call}() to a mute server`)
      expect(error.code).toBe('ETIMEDOUT')
      expect((await proxy.connections()) - before).toBe(2) // the first attempt and one retry
      expect(errorsSince(sub, since).map((e) => e.code)).toEqual(['ETIMEDOUT', 'ETIMEDOUT'])
    }
    // Nothing is left retrying behind the caller's back.
    const settled = await proxy.connections()
    await sleep(1500)
    expect(await proxy.connections()).toBe(settled)
  })

  test('an established stream whose reconnect meets a mute server keeps retrying, each attempt bounded, and recovers', async () => {
    const ch = channelName('mute-reconnect')
    const sub = subscriber({ url: proxy.url, commandTimeout: 1000 })
    await sub.subscribe(ch)
    const since = mark(sub)
    await proxy.set({ mode: 'mute' })
    const before = await proxy.connections()
    await proxy.cutAll()
    await waitForEvent(sub, 'reconnecting', RECOVERY_MS, () => true, since)
    // Every attempt times out instead of hanging, so further attempts follow.
    await sleep(2500)
    expect((await proxy.connections()) - before).toBeGreaterThanOrEqual(2)
    await proxy.set({ mode: 'pass' })
    await waitForEvent(sub, 'ready', RECOVERY_MS, () => true, since)
    expect(await publisher().publish(ch, 'back')).toBeGreaterThanOrEqual(1)
    await waitForMessages(sub, 1, DEADLINE_MS, { channel: ch, since })
  })
})

describe('reconnect back-off', () => {
  test('a server that confirms and then drops is re-dialled with growing, jittered delays, not every 50 ms', async () => {
    const ch = channelName('flapping')
    await proxy.set({ mode: 'cut-after-confirm' })
    const sub = subscriber({ url: proxy.url })
    const delays = []
    sub.on('reconnecting', (delay) => delays.push(delay))
    const before = await proxy.connections()
    await within(sub.subscribe(ch), DEADLINE_MS, 'subscribe()')
    await sleep(3000)
    const dialled = (await proxy.connections()) - before
    await sub.unsubscribe(ch)
    // 50 ms, doubling to a 2 s cap, jittered to half of that at least: fewer than a dozen in 3 s.
    expect(dialled).toBeLessThanOrEqual(12)
    expect(delays.length).toBeGreaterThanOrEqual(3)
    expect(Math.max(...delays)).toBeGreaterThanOrEqual(200)
    for (const delay of delays) expect(delay).toBeLessThanOrEqual(2000)
    const exact = [50, 100, 200, 400, 800, 1600, 2000]
    expect(delays.filter((d) => !exact.includes(d)).length).toBeGreaterThan(0) // jittered
  })
})

describe('events the client cannot read', () => {
  test('a non-pub/sub event and corrupt base64 are reported as ESTREAM errors, never dropped silently; the stream goes on', async () => {
    // A broken server (the real gateway never sends these): confirms, then sends two unreadable events.
    const server = http.createServer((req, res) => {
      req.resume()
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write('data: subscribe,c,1\n\n')
      res.write('data: nonsense\n\n')
      res.write('event: base64\ndata: message,c,!!not base64!!\n\n')
      res.write('data: message,c,still here\n\n')
    })
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const sub = subscriber({ url: `http://127.0.0.1:${server.address().port}` })
      expect(await within(sub.subscribe('c'), DEADLINE_MS, 'subscribe()')).toBe(1)
      const [message] = await waitForMessages(sub, 1, DEADLINE_MS, { channel: 'c' })
      expect(message.payload.toString()).toBe('still here')
      const errors = errorsSince(sub, 0)
      expect(errors.map((e) => e.code)).toEqual(['ESTREAM', 'ESTREAM'])
      expect(errors[0].message).toMatch(/unreadable event.*nonsense/)
      expect(errors[1].message).toMatch(/unreadable event.*base64/)
      await sub.unsubscribe('c')
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
