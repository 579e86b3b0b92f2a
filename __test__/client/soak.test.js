'use strict'
// A short soak (scripts/soak.js): mixed commands, pipelines, transactions and pub/sub through one
// client in a child process of its own, so /proc/self counts only what the client holds. Leaks
// show as growth after warm-up; the bounds are generous because the machine may be loaded.
const path = require('node:path')
const { runNode, expectExitedCleanly } = require('./support/common')

const SOAK = path.resolve(__dirname, '../../scripts/soak.js')
const COMMANDS = 60000

test(`${COMMANDS} mixed commands: RSS, fds, sockets and threads flat after warm-up; exits by itself`, async () => {
  const script = `
    const { soak, flatness } = require(${JSON.stringify(SOAK)})
    ;(async () => {
      const before = process.getActiveResourcesInfo().sort()
      const redis = new Redis()
      const samples = await soak(redis, { commands: ${COMMANDS}, samples: 12, prefix: 'soak:' + process.pid })
      await redis.quit()
      await new Promise((resolve) => setTimeout(resolve, 50))
      const after = process.getActiveResourcesInfo().filter((r) => r !== 'Timeout').sort()
      console.log(JSON.stringify({ samples, growth: flatness(samples), before, after }))
    })().catch((error) => { console.error(error); process.exitCode = 1 })
  `
  const result = expectExitedCleanly(await runNode(script, { timeoutMs: 120000 }))
  const { samples, growth, before, after } = JSON.parse(result.stdout)
  expect(samples[samples.length - 1].commands).toBeGreaterThanOrEqual(COMMANDS)
  expect(growth.fds.peakGrowth).toBeLessThanOrEqual(3)
  expect(growth.sockets.peakGrowth).toBeLessThanOrEqual(3)
  expect(growth.threads.peakGrowth).toBeLessThanOrEqual(2)
  expect(growth.rssMB.endGrowth).toBeLessThan(64)
  // Nothing the client opened is still registered with the event loop once it has quit.
  expect(after).toEqual(before.filter((r) => r !== 'Timeout'))
}, 150000)
