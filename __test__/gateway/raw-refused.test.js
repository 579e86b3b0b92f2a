'use strict'
// Blocking and connection-state commands cannot run over a pooled stateless REST gateway:
// they must be refused up front (fast 400 naming the command), never forwarded to redis.
const { uniqueKey } = require('../support')
const { cmd, pipeline, multiExec, expectError, expectResult } = require('./support')

// [name that must appear in the error, command]. Blocking ones use timeout 0 (= forever if forwarded).
const REFUSED = [
  ['BLPOP', (k) => ['BLPOP', k, '0']],
  ['BRPOP', (k) => ['BRPOP', k, '0']],
  ['BLMOVE', (k) => ['BLMOVE', k, `${k}:dst`, 'LEFT', 'RIGHT', '0']],
  ['BZPOPMIN', (k) => ['BZPOPMIN', k, '0']],
  ['XREAD', (k) => ['XREAD', 'BLOCK', '0', 'STREAMS', k, '$']],
  ['WAIT', () => ['WAIT', '1', '0']],
  ['SELECT', () => ['SELECT', '1']],
  ['AUTH', () => ['AUTH', 'secret']],
  ['HELLO', () => ['HELLO', '3']],
  ['QUIT', () => ['QUIT']],
  ['CLIENT', () => ['CLIENT', 'LIST']],
  ['WATCH', (k) => ['WATCH', k]],
  ['MULTI', () => ['MULTI']],
  ['EXEC', () => ['EXEC']],
  ['SUBSCRIBE', (k) => ['SUBSCRIBE', k]],
  // A subcommand that changes connection state: the pooled connection's next EVAL would open a
  // Lua debugging session instead of running the script.
  ['SCRIPT DEBUG', () => ['SCRIPT', 'DEBUG', 'YES']],
  ['BLPOP', (k) => ['blpop', k, '0']], // lower case too
]
const QUICK_MS = 1000

const expectRefusal = (error, name) => expect(error.toUpperCase()).toContain(name)

describe('refused commands', () => {
  test.each(REFUSED)('POST / %s → quick 400 naming the command', async (name, make) => {
    const res = await cmd(make(uniqueKey('refused')), { timeoutMs: 5000 })
    expectError(res, 400)
    expectRefusal(res.json.error, name)
    expect(res.ms).toBeLessThan(QUICK_MS)
  })

  test.each(REFUSED)('in /pipeline only the %s entry errors', async (name, make) => {
    const k = uniqueKey('refused-pl')
    const res = await pipeline([['SET', k, 'v'], make(k), ['GET', k]], { timeoutMs: 5000 })
    expect(res.status).toBe(200)
    expect(res.ms).toBeLessThan(QUICK_MS)
    expect(res.json).toEqual([{ result: 'OK' }, { error: expect.any(String) }, { result: 'v' }])
    expectRefusal(res.json[1].error, name)
  })

  test.each(REFUSED)('in /multi-exec %s rejects the whole transaction', async (name, make) => {
    const k = uniqueKey('refused-mx')
    const res = await multiExec([['SET', k, 'v'], make(k)], { timeoutMs: 5000 })
    expectError(res, 400)
    expectRefusal(res.json.error, name)
    expect(res.ms).toBeLessThan(QUICK_MS)
    expectResult(await cmd(['EXISTS', k]), 0)
  })

  test('non-blocking relatives still work (XREAD without BLOCK, LPOP)', async () => {
    const k = uniqueKey('refused-ok')
    await cmd(['XADD', k, '1-1', 'f', 'v'])
    expectResult(await cmd(['XREAD', 'COUNT', '1', 'STREAMS', k, '0']), [[k, [['1-1', ['f', 'v']]]]])
    expectResult(await cmd(['RPUSH', `${k}:l`, 'x']), 1)
    expectResult(await cmd(['LPOP', `${k}:l`]), 'x')
  })

  test('after a burst of refusals the gateway still serves normally', async () => {
    const k = uniqueKey('refused-after')
    await Promise.all(REFUSED.map(([, make]) => cmd(make(k), { timeoutMs: 5000 })))
    // Had SELECT/AUTH/MULTI/QUIT leaked onto pooled connections, these would land in the wrong
    // db, be QUEUED, or fail; run enough of them to touch every pooled connection.
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => cmd(['SET', `${k}:${i}`, String(i)])))
    for (const res of results) expectResult(res, 'OK')
    expectResult(await cmd(['MGET', `${k}:0`, `${k}:19`]), ['0', '19'])
    expectResult(await cmd(['PING']), 'PONG')
    const evals = await Promise.all(
      Array.from({ length: 20 }, (_, i) => cmd(['EVAL', 'return ARGV[1]', '0', String(i)])),
    )
    evals.forEach((res, i) => expectResult(res, String(i)))
  })
})
