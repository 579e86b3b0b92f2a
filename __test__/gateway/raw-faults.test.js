'use strict'
// Failure handling, on a private dev stack (its own redis-server and gateway) so that stopping
// redis or the gateway never disturbs the other suites.
const IORedis = require('ioredis')
const { startDevStack } = require('../../lib/dev-stack')
const { cmd, pipeline, multiExec, openStream, expectError, expectResult, within } = require('./support')

let stack
const at = () => ({ url: stack.url, token: stack.token })

beforeAll(async () => {
  stack = await startDevStack()
}, 30000)
afterAll(() => stack && stack.stop())

describe('gateway faults', () => {
  test('pooled connections killed by redis are replaced without failing a request', async () => {
    // Warm the pool with a few parallel requests, then kill every client connection server-side.
    await Promise.all(Array.from({ length: 8 }, () => cmd(['PING'], at())))
    const admin = new IORedis(stack.redisUrl, { maxRetriesPerRequest: 1 })
    try {
      expect(await admin.client('KILL', 'TYPE', 'normal', 'SKIPME', 'yes')).toBeGreaterThan(0)
    } finally {
      admin.disconnect()
    }
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => cmd(['SET', `faults:${i}`, 'v'], at())))
    for (const res of results) expectResult(res, 'OK')
  })

  test('redis down → 503 {"error"} at once on every endpoint; back up → the next request works', async () => {
    expectResult(await cmd(['PING'], at()), 'PONG')
    await stack.stopRedis()
    const down = [await cmd(['PING'], at()), await pipeline([['PING']], at()), await multiExec([['PING']], at())]
    for (const res of down) {
      expectError(res, 503)
      expect(res.ms).toBeLessThan(2000)
    }
    await stack.startRedis()
    expectResult(await cmd(['PING'], at()), 'PONG')
    expect(
      (
        await pipeline(
          [
            ['ECHO', 'a'],
            ['ECHO', 'b'],
          ],
          at(),
        )
      ).json,
    ).toEqual([{ result: 'a' }, { result: 'b' }])
  }, 30000)

  test('graceful stop: in-flight request finishes, SSE streams end, the process exits promptly', async () => {
    const stream = await openStream('/subscribe/faults-ch', at())
    await stream.waitFor('subscribe,faults-ch,1')
    const busy = 'local x = 0 for i = 1, 150000000 do x = x + 1 end return x' // ~1 s of Lua
    let finishedAt = 0
    const inflight = cmd(['EVAL', busy, '0'], { ...at(), timeoutMs: 20000 }).then((res) => {
      finishedAt = Date.now()
      return res
    })
    await new Promise((r) => setTimeout(r, 100)) // let the request reach redis
    const stopAt = Date.now()
    await within(stack.stopGateway(), 15000, 'gateway stop')
    expect(Date.now() - stopAt).toBeLessThan(4000) // ~5 s would mean SIGKILL after the grace period
    expectResult(await inflight, 150000000)
    expect(finishedAt).toBeGreaterThan(stopAt) // it really was in flight when the stop began
    await within(stream.ended, 1000, 'SSE stream end')
    await stack.startGateway()
    expectResult(await cmd(['PING'], at()), 'PONG')
  }, 30000)
})
