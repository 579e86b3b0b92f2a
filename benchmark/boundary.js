'use strict'
// What the JS ↔ Rust boundary costs this client: native calls per command, and JS-thread time per
// command, in bursts (1000 commands issued at once) and serially. docs/boundary.md explains the
// design these numbers support.
const { performance } = require('node:perf_hooks')
const Redis = require('..')
const { startDevStack } = require('../lib/dev-stack.js')
const { table } = require('./support.js')

const BURSTS = 300
const BURST = 1000
const SERIAL = 3000

/** Wraps the native client's methods to count crossings. */
function countCrossings(redis) {
  const native = redis._dispatcher.native
  const counts = { submitCommands: 0, drain: 0, drainEvents: 0 }
  for (const method of Object.keys(counts)) {
    const original = native[method].bind(native)
    native[method] = (...args) => {
      counts[method]++
      return original(...args)
    }
  }
  return counts
}

async function measure(name, redis, run, commands) {
  const counts = countCrossings(redis)
  const elu = performance.eventLoopUtilization()
  const start = performance.now()
  await run()
  const wall = performance.now() - start
  const used = performance.eventLoopUtilization(elu)
  return {
    name,
    commands,
    jsMicrosPerCommand: (used.active * 1000) / commands,
    wallMicrosPerCommand: (wall * 1000) / commands,
    submitsPer1000: (counts.submitCommands * 1000) / commands,
    wakeupsPer1000: (counts.drain * 1000) / commands,
  }
}

async function main() {
  const stack = await startDevStack()
  const redis = new Redis({ url: stack.url, token: stack.token })
  try {
    await redis.set('boundary:k', 'v'.repeat(100))
    await Promise.all(Array.from({ length: 2000 }, () => redis.get('boundary:k'))) // warm-up
    const results = [
      await measure(
        'burst of 1000 GETs',
        redis,
        async () => {
          for (let b = 0; b < BURSTS; b++)
            await Promise.all(Array.from({ length: BURST }, () => redis.get('boundary:k')))
        },
        BURSTS * BURST,
      ),
      await measure(
        'serial GETs',
        redis,
        async () => {
          for (let i = 0; i < SERIAL; i++) await redis.get('boundary:k')
        },
        SERIAL,
      ),
    ]
    console.log(
      '\nJS ↔ Rust boundary cost (JS-thread time = event-loop active time; wall includes the gateway round trip)',
    )
    console.log(
      table(
        ['workload', 'JS µs/cmd', 'wall µs/cmd', 'submits/1000 cmds', 'wake-ups/1000 cmds'],
        results.map((r) => [
          r.name,
          r.jsMicrosPerCommand.toFixed(2),
          r.wallMicrosPerCommand.toFixed(1),
          r.submitsPer1000.toFixed(1),
          r.wakeupsPer1000.toFixed(1),
        ]),
      ),
    )
    console.log(JSON.stringify({ benchmark: 'boundary', results }))
  } finally {
    await redis.quit()
    await stack.stop()
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
