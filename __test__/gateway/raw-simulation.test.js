'use strict'
// The gateway's simulation flags (--latency, --fail-rate, --drop-after-apply, --stall, --seed), each
// on a private gateway over the suites' redis-server, through raw HTTP and through our own client.
const path = require('node:path')
const { startGateway } = require('../../lib/gateway')
const { env, uniqueKey } = require('../support')
const { send, openStream, expectError, expectResult, direct, within } = require('./support')

const Redis = require(path.resolve(__dirname, '../..'))
const TOKEN = 'simulation-token'

async function gateway(options) {
  const handle = await startGateway({ redis: env().redisUrl, port: 0, token: TOKEN, ...options })
  return { handle, url: handle.url, close: () => handle.close() }
}

async function withGateway(options, run) {
  const gw = await gateway(options)
  try {
    return await run(gw)
  } finally {
    await gw.close()
  }
}

/** One raw request's outcome: its status, or how the transport failed. */
async function outcome(gw, body, timeoutMs = 2000) {
  try {
    return String((await send({ url: gw.url, token: TOKEN, body, timeoutMs })).status)
  } catch (error) {
    return /no complete response/.test(error.message) ? 'stalled' : 'cut'
  }
}

async function outcomes(options, n) {
  return withGateway(options, async (gw) => {
    const seen = []
    for (let i = 0; i < n; i++) seen.push(await outcome(gw, ['PING'], 2500))
    return seen
  })
}

const share = (list, value) => list.filter((x) => x === value).length / list.length

describe('--latency', () => {
  test('every response, errors included, is delayed at least that long (loose upper bound)', async () => {
    await withGateway({ latency: 150 }, async (gw) => {
      expect(gw.handle.simulation).toEqual([expect.stringMatching(/latency: every response delayed 150 ms/)])
      for (const request of [
        { body: ['PING'] },
        { path: '/pipeline', body: [['PING'], ['PING']] },
        { body: ['PING'], token: 'wrong' },
      ]) {
        const res = await send({ url: gw.url, token: TOKEN, ...request })
        // Strict: the delay is slept in full before the response is written.
        expect(res.ms).toBeGreaterThanOrEqual(150)
        expect(res.ms).toBeLessThan(3000)
      }
    })
  })

  test('a range draws each delay within it, and the seed is reported', async () => {
    await withGateway({ latency: [100, 300], seed: 5 }, async (gw) => {
      expect(gw.handle.simulation.join('\n')).toMatch(/100-300 ms[\s\S]*seed: 5/)
      for (let i = 0; i < 6; i++) {
        const res = await send({ url: gw.url, token: TOKEN, body: ['PING'] })
        expectResult(res, 'PONG')
        expect(res.ms).toBeGreaterThanOrEqual(100)
        expect(res.ms).toBeLessThan(3000)
      }
    })
  })

  test('an SSE stream: the first response and each event are delayed', async () => {
    await withGateway({ latency: 200 }, async (gw) => {
      const channel = uniqueKey('sim-sse')
      const started = Date.now()
      const stream = await openStream(`/subscribe/${channel}`, { url: gw.url, token: TOKEN })
      try {
        expect(Date.now() - started).toBeGreaterThanOrEqual(200)
        await stream.waitFor((e) => e.startsWith('subscribe,'), 5000)
        const publisher = direct()
        try {
          const published = Date.now()
          expect(await publisher.publish(channel, 'hello')).toBe(1)
          await stream.waitFor(`message,${channel},hello`, 5000)
          expect(Date.now() - published).toBeGreaterThanOrEqual(200)
        } finally {
          publisher.disconnect()
        }
      } finally {
        stream.close()
      }
    })
  })

  test('/monitor: the stream and each line are delayed too', async () => {
    await withGateway({ latency: 200 }, async (gw) => {
      const started = Date.now()
      const stream = await openStream('/monitor', { url: gw.url, token: TOKEN })
      try {
        expect(Date.now() - started).toBeGreaterThanOrEqual(200)
        await stream.waitFor('"OK"', 5000)
        const key = uniqueKey('sim-monitor')
        const redis = direct()
        try {
          const sent = Date.now()
          await redis.get(key)
          await stream.waitFor((e) => e.endsWith(`"get" "${key}"`), 5000)
          expect(Date.now() - sent).toBeGreaterThanOrEqual(200)
        } finally {
          redis.disconnect()
        }
      } finally {
        stream.close()
      }
    })
  })

  test('off by default: nothing is reported and nothing is held back', async () => {
    await withGateway({}, async (gw) => {
      expect(gw.handle.simulation).toEqual([])
      expectResult(await send({ url: gw.url, token: TOKEN, body: ['PING'] }), 'PONG')
    })
  })
})

describe('--fail-rate, --drop-after-apply, --stall with --seed', () => {
  // Few stalls: each costs the wait that tells it from a slow answer on a loaded machine.
  const faults = { failRate: 0.2, dropAfterApply: 0.1, stall: 0.03 }

  test('the same seed gives the same 200 outcomes, each fault near its fraction', async () => {
    const first = await outcomes({ ...faults, seed: 42 }, 200)
    expect(await outcomes({ ...faults, seed: 42 }, 200)).toEqual(first)
    expect(await outcomes({ ...faults, seed: 43 }, 200)).not.toEqual(first)
    expect(share(first, '503')).toBeGreaterThan(0.1)
    expect(share(first, '503')).toBeLessThan(0.3)
    expect(share(first, 'cut')).toBeGreaterThan(0.03)
    expect(share(first, 'cut')).toBeLessThan(0.2)
    expect(share(first, 'stalled')).toBeGreaterThan(0)
    expect(share(first, 'stalled')).toBeLessThan(0.08)
    expect(share(first, '200')).toBeGreaterThan(0.5)
    expect(new Set(first)).toEqual(new Set(['200', '503', 'cut', 'stalled']))
  }, 120000)

  test('--fail-rate answers 503 {"error"} and does not run the command', async () => {
    await withGateway({ failRate: 1 }, async (gw) => {
      const key = uniqueKey('sim-fail')
      for (const request of [
        { body: ['INCR', key] },
        { path: '/pipeline', body: [['INCR', key]] },
        { path: '/multi-exec', body: [['INCR', key]] },
      ]) {
        const res = await send({ url: gw.url, token: TOKEN, ...request })
        expectError(res, 503, /simulated failure.*--fail-rate.*not run/)
      }
      const redis = direct()
      try {
        expect(await redis.get(key)).toBeNull()
      } finally {
        redis.disconnect()
      }
      // Auth is still checked first, and /subscribe is not a command route.
      expectError(await send({ url: gw.url, token: 'wrong', body: ['PING'] }), 401)
      const stream = await openStream(`/subscribe/${uniqueKey('sim-fail-sse')}`, { url: gw.url, token: TOKEN })
      expect(stream.status).toBe(200)
      stream.close()
    })
  })

  test('--drop-after-apply: raw INCR gets no answer, yet it ran exactly once', async () => {
    await withGateway({ dropAfterApply: 1 }, async (gw) => {
      const key = uniqueKey('sim-drop')
      await expect(send({ url: gw.url, token: TOKEN, body: ['INCR', key] })).rejects.toThrow(
        /socket hang up|ECONNRESET/,
      )
      await expect(send({ url: gw.url, token: TOKEN, path: '/pipeline', body: [['INCR', key]] })).rejects.toThrow()
      const redis = direct()
      try {
        expect(await redis.get(key)).toBe('2')
      } finally {
        redis.disconnect()
      }
    })
  })

  test('--drop-after-apply 0.5 with a seed: cut or answered, every request ran exactly once', async () => {
    const run = () =>
      withGateway({ dropAfterApply: 0.5, seed: 9 }, async (gw) => {
        const key = uniqueKey('sim-drop-half')
        const seen = []
        for (let i = 0; i < 40; i++) seen.push(await outcome(gw, ['INCR', key]))
        const redis = direct()
        try {
          return { seen, counter: Number(await redis.get(key)) }
        } finally {
          redis.disconnect()
        }
      })
    const first = await run()
    expect(first.counter).toBe(40)
    expect(new Set(first.seen)).toEqual(new Set(['200', 'cut']))
    expect(share(first.seen, 'cut')).toBeGreaterThan(0.2)
    expect(share(first.seen, 'cut')).toBeLessThan(0.8)
    expect((await run()).seen).toEqual(first.seen)
  })

  test('--drop-after-apply through our client: the write rejects, is not retried, and the counter is 1', async () => {
    await withGateway({ dropAfterApply: 1 }, async (gw) => {
      const key = uniqueKey('sim-drop-client')
      const client = new Redis({ url: gw.url, token: TOKEN, maxRetriesPerRequest: 3 })
      try {
        const error = await within(
          client.incr(key).then(
            () => null,
            (e) => e,
          ),
          10000,
          'the INCR',
        )
        expect(error).toBeInstanceOf(Redis.TransportError)
        expect(error.code).toBe('ECONNRESET')
      } finally {
        client.disconnect()
      }
      const redis = direct()
      try {
        expect(await redis.get(key)).toBe('1')
      } finally {
        redis.disconnect()
      }
    })
  })

  test("--stall: no answer and not run; our client's commandTimeout fires with ETIMEDOUT_MAYBE_APPLIED", async () => {
    await withGateway({ stall: 1 }, async (gw) => {
      const key = uniqueKey('sim-stall')
      expect(await outcome(gw, ['INCR', key], 500)).toBe('stalled')
      const client = new Redis({ url: gw.url, token: TOKEN, commandTimeout: 300 })
      try {
        const started = Date.now()
        const error = await within(
          client.incr(key).then(
            () => null,
            (e) => e,
          ),
          5000,
          'the timeout',
        )
        expect(error).toBeInstanceOf(Redis.TimeoutError)
        expect(error.code).toBe('ETIMEDOUT_MAYBE_APPLIED')
        expect(Date.now() - started).toBeGreaterThanOrEqual(290)
      } finally {
        client.disconnect()
      }
      const redis = direct()
      try {
        expect(await redis.get(key)).toBeNull()
      } finally {
        redis.disconnect()
      }
    })
  })

  test('bad settings are refused with a clear error naming the option and its flag, and nothing starts', async () => {
    const fraction = 'must be a fraction from 0 to 1 such as 0.1'
    const ms = 'must be whole milliseconds from 0 to 4294967295 such as 50, or a range such as 20-80'
    for (const [options, message] of [
      [{ failRate: 1.5 }, `failRate (--fail-rate) ${fraction}, got 1.5`],
      [{ stall: Number.NaN }, `stall (--stall) ${fraction}, got NaN`],
      [{ dropAfterApply: -0.1 }, `dropAfterApply (--drop-after-apply) ${fraction}, got -0.1`],
      [{ failRate: 0.6, dropAfterApply: 0.6 }, 'together must not exceed 1'],
      [{ latency: [300, 100] }, 'latency (--latency) must be a range with min <= max, got 300-100'],
      [{ latency: -1 }, `latency (--latency) ${ms}`],
      [{ latency: 2.5 }, `latency (--latency) ${ms}`],
      [{ latency: [1, 2, 3] }, `got [1, 2, 3]`],
      [{ latency: 'slow' }, `latency (--latency) ${ms}`],
      [{ seed: 1.5 }, 'seed (--seed) must be a whole number from 0 to 4294967295, got 1.5'],
      [{ seed: 2 ** 32 }, 'seed (--seed) must be a whole number from 0 to 4294967295, got 4294967296'],
      [{ seed: -1 }, 'seed (--seed) must be a whole number'],
    ]) {
      const error = await gateway(options).then(
        (gw) => gw.close().then(() => new Error(`started with ${JSON.stringify(options)}`)),
        (e) => e,
      )
      expect([options, error.message]).toEqual([options, expect.stringContaining(message)])
    }
  })

  test('a value of the wrong type is refused naming the option and its flag, never quoting a secret', async () => {
    for (const [options, message] of [
      [{ seed: null }, 'seed (--seed) cannot be null'],
      [{ failRate: {} }, 'failRate (--fail-rate) cannot be an object'],
      [{ latency: [1, 'x'] }, 'latency (--latency) cannot be an array'],
      [{ port: true }, 'port (--port) cannot be a boolean'],
      [{ token: 987654321 }, 'token (--token) cannot be a number'],
    ]) {
      const error = await gateway(options).then(
        (gw) => gw.close().then(() => new Error(`started with ${JSON.stringify(options)}`)),
        (e) => e,
      )
      expect([options, error.name, error.message]).toEqual([options, 'TypeError', expect.stringContaining(message)])
      expect(error.message).not.toContain('987654321')
    }
  })

  test('the text forms the CLI passes are read by the gateway too', async () => {
    await withGateway({ latency: '20-40', failRate: '0', seed: '7' }, async (gw) => {
      expect(gw.handle.simulation).toEqual([
        'latency: every response delayed 20-40 ms',
        'seed: 7 (pass --seed 7 to replay this sequence)',
      ])
    })
  })
})
