'use strict'
// commandTimeout and retries, against the gateway's own fault flags (--stall, --drop-after-apply,
// --latency) where a flag expresses the fault, a fault proxy in front of the real gateway where it
// cannot (a fault on one request of several, a reset before the gateway saw the request, and
// assertions on what was sent), and a private dev stack whose gateway can be stopped and started.
const { env, uniqueKey, sleep, within } = require('../support')
const {
  Redis,
  clients,
  rejectionOf,
  useProxyAndOracle,
  usePrivateStack,
  useSimulatedGateway,
} = require('./support/common')

const make = clients()
const { token } = env()

const { proxy, oracle } = useProxyAndOracle()
const sim = useSimulatedGateway()

async function timed(promise) {
  const started = Date.now()
  const error = await rejectionOf(promise)
  return { error, ms: Date.now() - started }
}

describe('commandTimeout', () => {
  test.each([
    ['a read', (c, k) => c.get(k)],
    ['a write', (c, k) => c.set(k, 'stalled')],
  ])('%s already sent to a stalling endpoint rejects after ~200 ms with ETIMEDOUT_MAYBE_APPLIED', async (_, send) => {
    const client = make({ ...(await sim.start({ stall: 1 })), commandTimeout: 200 })
    const { error, ms } = await timed(within(send(client, uniqueKey('stall')), 3000, 'the timeout'))
    expect(error).toBeInstanceOf(Redis.TimeoutError)
    expect(error).toBeInstanceOf(Redis.TransportError)
    expect(error.code).toBe('ETIMEDOUT_MAYBE_APPLIED')
    expect(error.message).toMatch(/^Command timed out.*may have been applied/)
    expect(ms).toBeGreaterThanOrEqual(190)
    expect(ms).toBeLessThan(1000)
  })

  test('every command queued behind the stalled one times out too, each within the bound', async () => {
    const client = make({ ...(await sim.start({ stall: 1 })), commandTimeout: 200 })
    const key = uniqueKey('stall-many')
    const outcomes = await within(Promise.all([client.get(key), client.incr(key), client.get(key)].map(timed)), 3000)
    for (const { error, ms } of outcomes) {
      expect(error.message).toMatch(/^Command timed out/)
      expect(ms).toBeLessThan(1000)
    }
  })

  // Proxy: only the first request stalls, and the assertion is on what was sent.
  test('a write that timed out before it was sent is never sent later: ETIMEDOUT, and a retry applies it once', async () => {
    proxy().plan('stall') // the first request hangs; everything after it would pass
    const client = make({ url: proxy().url, token, commandTimeout: 200 })
    const key = uniqueKey('stall-unsent')
    // A path-form SET travels alone and holds the key; the INCR waits behind it on that key.
    const first = client.set(key, Buffer.from([0xff, 0x00]))
    const write = client.incr(key)
    const [held, unsent] = await within(Promise.all([timed(first), timed(write)]), 3000)
    expect(held.error.code).toBe('ETIMEDOUT_MAYBE_APPLIED')
    expect(unsent.error).toBeInstanceOf(Redis.TimeoutError)
    expect(unsent.error.code).toBe('ETIMEDOUT')
    expect(unsent.error.message).toBe('Command timed out')
    await sleep(600) // long past the request timeout of the stalled get: nothing may follow it
    expect(
      proxy()
        .requestsFor(key)
        .filter((r) => /incr/i.test(r.body)),
    ).toEqual([])
    expect(await oracle().get(key)).toBe(null)
    // The caller's retry is the only INCR that ever runs.
    expect(await within(client.incr(key), 3000, 'the retried incr')).toBe(1)
    expect(await oracle().get(key)).toBe('1')
  })

  test('a binary (path-form) write and a transaction that timed out unsent are never sent either', async () => {
    proxy().plan('stall')
    const client = make({ url: proxy().url, token, commandTimeout: 200 })
    const key = uniqueKey('stall-unsent-kinds')
    const first = client.get(key) // leaves first and holds the key
    const raw = client.set(key, Buffer.from([0xff, 0x00]))
    const multi = client.multi().incr(key).incr(key).exec()
    const outcomes = await within(Promise.all([first, raw, multi].map(timed)), 3000)
    expect(outcomes.map((o) => o.error.code)).toEqual(['ETIMEDOUT_MAYBE_APPLIED', 'ETIMEDOUT', 'ETIMEDOUT'])
    await sleep(600)
    expect(proxy().requestsFor(key)).toHaveLength(1) // only the stalled get
    expect(await oracle().exists(key)).toBe(0)
  })

  // Proxy: the same endpoint stalls, then answers again (a gateway's flags are fixed at start).
  test('the client stays usable: once the endpoint answers again, the next commands succeed', async () => {
    proxy().mode = 'stall'
    const client = make({ url: proxy().url, token, commandTimeout: 200 })
    const key = uniqueKey('stall-recover')
    expect((await timed(client.get(key))).error.message).toMatch(/^Command timed out/)
    proxy().mode = 'pass'
    expect(await within(client.set(key, 'v'), 3000, 'set after the stall')).toBe('OK')
    expect(await within(client.get(key), 3000, 'get after the stall')).toBe('v')
    expect(await oracle().get(key)).toBe('v')
  })

  test('a reply slower than usual but within commandTimeout is not a timeout', async () => {
    const client = make({ ...(await sim.start({ latency: 100 })), commandTimeout: 1000 })
    expect(await client.ping()).toBe('PONG')
  })

  test.each([
    ['0', 0],
    ['undefined', undefined],
    ['null', null],
  ])('commandTimeout: %s means no timeout (ioredis), not a 1 ms request timeout', async (_, commandTimeout) => {
    const client = make({ ...(await sim.start({ latency: 150 })), commandTimeout })
    const key = uniqueKey('no-timeout')
    expect(await within(client.set(key, 'slow'), 5000, 'the slow set')).toBe('OK')
    expect(await within(client.get(key), 5000, 'the slow get')).toBe('slow')
  })
})

describe('the queue while the endpoint hangs', () => {
  // Proxy: the assertion is that exactly one request was sent.
  test('is bounded: past maxQueuedCommands new commands reject at once with EQUEUEFULL, nothing is lost', async () => {
    proxy().mode = 'stall'
    const client = make({ url: proxy().url, token, maxQueuedCommands: 100 })
    const key = uniqueKey('queue-full')
    const first = client.get(key) // in flight, stalled
    await new Promise((resolve) => setImmediate(resolve))
    const waiting = Array.from({ length: 100 }, () => client.incr(key))
    const refused = Array.from({ length: 20 }, () => timed(client.incr(key)))
    for (const { error, ms } of await within(Promise.all(refused), 2000, 'the refusals')) {
      expect(error).toBeInstanceOf(Redis.QueueFullError)
      expect(error.code).toBe('EQUEUEFULL')
      expect(error.message).toMatch(/maxQueuedCommands/)
      expect(ms).toBeLessThan(1000)
    }
    // The queued ones are still pending (neither sent nor dropped) until the client gives up.
    const settled = []
    for (const p of [first, ...waiting])
      p.then(
        () => settled.push('ok'),
        () => settled.push('rejected'),
      )
    await sleep(300)
    expect(settled).toEqual([])
    expect(proxy().requestsFor(key)).toHaveLength(1)
    client.disconnect()
    const errors = await Promise.all([first, ...waiting].map(rejectionOf))
    for (const error of errors) expect(error.code).toBe('ECLOSED')
  })
})

describe('retries', () => {
  // Proxy for 'reset': the connection is reset before the gateway saw the request; no gateway flag
  // does that (--fail-rate answers 503, --stall never answers).
  test('a read whose first requests are reset is retried and succeeds', async () => {
    const client = make({ url: proxy().url, token })
    const key = uniqueKey('retry-read')
    await oracle().set(key, 'v')
    proxy().plan('reset', 'reset')
    expect(await within(client.get(key), 5000, 'retried get')).toBe('v')
    expect(
      proxy()
        .requestsFor(key)
        .map((r) => r.behaviour),
    ).toEqual(['reset', 'reset', 'pass'])
  })

  test('maxRetriesPerRequest: 0 → a reset read fails with ECONNRESET after one attempt', async () => {
    const client = make({ url: proxy().url, token, maxRetriesPerRequest: 0 })
    const key = uniqueKey('retry-off')
    proxy().plan('reset')
    expect((await rejectionOf(client.get(key))).code).toBe('ECONNRESET')
    expect(proxy().requestsFor(key)).toHaveLength(1)
  })

  test('retryStrategy returning a non-number turns retries off (ioredis semantics)', async () => {
    const client = make({ url: proxy().url, token, retryStrategy: () => null })
    const key = uniqueKey('retry-strategy-off')
    proxy().plan('reset')
    expect((await rejectionOf(client.get(key))).code).toBe('ECONNRESET')
    expect(proxy().requestsFor(key)).toHaveLength(1)
  })

  // --drop-after-apply: every request that reaches the gateway runs, so the counter is the number
  // of requests sent.
  test('a write reset AFTER the gateway applied it is not re-sent: INCR counts once', async () => {
    const client = make(await sim.start({ dropAfterApply: 1 }))
    const key = uniqueKey('retry-write')
    const error = await rejectionOf(client.incr(key))
    expect(error.code).toBe('ECONNRESET')
    expect(await oracle().get(key)).toBe('1')
    // And the client carries on: the next INCR is sent (and applied) once too.
    expect((await rejectionOf(client.incr(key))).code).toBe('ECONNRESET')
    expect(await oracle().get(key)).toBe('2')
  })

  test('a write reset before it reached the gateway is not re-sent either (the client cannot know)', async () => {
    const client = make({ url: proxy().url, token })
    const key = uniqueKey('retry-write-unsent')
    proxy().plan('reset')
    expect((await rejectionOf(client.incr(key))).code).toBe('ECONNRESET')
    expect(proxy().requestsFor(key)).toHaveLength(1)
    expect(await oracle().exists(key)).toBe(0)
  })

  test('a read auto-pipelined with a write shares its fate: the request is not re-sent', async () => {
    const client = make(await sim.start({ dropAfterApply: 1 }))
    const key = uniqueKey('retry-mixed')
    const [read, write] = await Promise.all([rejectionOf(client.get(`${key}:r`)), rejectionOf(client.incr(key))])
    expect([read.code, write.code]).toEqual(['ECONNRESET', 'ECONNRESET'])
    // Each request sent ran its INCR: a re-sent request would make it 2.
    expect(await oracle().get(key)).toBe('1')
  })

  describe('gateway down, then back within the retry window (private dev stack)', () => {
    const priv = usePrivateStack()

    test('a write that could not connect is retried (provably never sent) and applied once', async () => {
      // ~20 × 200 ms: a window wide enough for a gateway restart.
      const client = make({
        url: priv.stack.url,
        token: priv.stack.token,
        maxRetriesPerRequest: 20,
        retryStrategy: () => 200,
      })
      const key = uniqueKey('retry-connect')
      expect(await client.ping()).toBe('PONG') // a pooled connection exists and must be dropped
      await priv.stack.stopGateway()
      const started = Date.now()
      const incr = client.incr(key)
      await new Promise((resolve) => setTimeout(resolve, 300)) // it fails to connect meanwhile
      await priv.stack.startGateway()
      expect(await within(incr, 8000, 'the retried INCR')).toBe(1)
      expect(Date.now() - started).toBeGreaterThanOrEqual(300)
      expect(await priv.oracle.get(key)).toBe('1')
    }, 30000)
  })
})
