#!/usr/bin/env node
'use strict'

// Soak: many mixed commands through ONE client — concurrent single commands (auto-pipelined),
// explicit pipelines, MULTI/EXEC transactions, path-form binary writes, error replies, pub/sub
// messages and subscribe/unsubscribe cycles — sampling RSS, open file descriptors, sockets and
// threads as it goes. A leak shows as a slope after warm-up; `flatness()` measures it.
//
//   node scripts/soak.js [--commands 1000000] [--samples 40] [--out samples.jsonl]
//
// Without UPSTASH_REDIS_REST_URL/TOKEN it starts a private dev stack. Linux only (/proc).

const fs = require('node:fs')
const { parseArgs } = require('node:util')

const ROUND_SINGLES = 48 // issued in one tick: one auto-pipelined request
const ROUND_PIPELINE = 24
const ROUND_MULTI = 8
const SUBSCRIBE_CYCLE_EVERY = 10 // rounds; each cycle opens and closes one SSE stream
const KEYSPACE = 512
const BINARY = Buffer.from([0xff, 0x00, 0xfe, 0x80])
const MESSAGE_WAIT_MS = 10000

/** What the process holds right now, from /proc. */
function resources() {
  const fds = fs.readdirSync('/proc/self/fd')
  let sockets = 0
  for (const fd of fds) {
    try {
      if (fs.readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:')) sockets++
    } catch {
      // the fd of readdir itself is gone already
    }
  }
  const threads = Number(/^Threads:\s+(\d+)/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1])
  const { rss, heapUsed } = process.memoryUsage()
  return { rssMB: rss / 2 ** 20, heapMB: heapUsed / 2 ** 20, fds: fds.length, sockets, threads }
}

function waitFor(emitter, event, predicate, what) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, listener)
      reject(new Error(`soak: no ${what} within ${MESSAGE_WAIT_MS} ms`))
    }, MESSAGE_WAIT_MS)
    const listener = (...args) => {
      if (!predicate(...args)) return
      clearTimeout(timer)
      emitter.off(event, listener)
      resolve()
    }
    emitter.on(event, listener)
  })
}

/**
 * Runs about `commands` commands through `redis` (keys under `prefix`) and resolves with the
 * samples: `{ commands, seconds, rssMB, heapMB, fds, sockets, threads }`, the first at 0.
 * Every reply is checked, so a soak that loses or corrupts data fails rather than looking flat.
 */
async function soak(redis, { commands = 1_000_000, samples = 40, prefix = 'soak', onSample = () => {} } = {}) {
  const key = (i) => `${prefix}:k:${i % KEYSPACE}`
  const channel = `${prefix}:events`
  const every = Math.max(1, Math.floor(commands / samples))
  const started = process.hrtime.bigint()
  const taken = []
  const sample = (done) => {
    const point = { commands: done, seconds: Number(process.hrtime.bigint() - started) / 1e9, ...resources() }
    taken.push(point)
    onSample(point)
  }

  let received = 0
  redis.on('message', (ch) => {
    if (ch === channel) received++
  })
  await redis.subscribe(channel)
  let done = 0
  let nextSample = 0
  for (let round = 0; done < commands; round++) {
    if (done >= nextSample) {
      sample(done)
      nextSample += every
    }
    // Singles, one tick: sets, reads of what was just set, counters, hashes, an error reply.
    const singles = []
    for (let i = 0; i < ROUND_SINGLES / 4; i++) {
      const k = key(round * ROUND_SINGLES + i)
      const value = `v${round}:${i}`
      singles.push(
        redis.set(k, value),
        redis.get(k).then((got) => got === value || fail('get', k, got, value)),
      )
      singles.push(redis.hset(`${k}:h`, 'f', i), redis.incr(`${prefix}:counter`))
    }
    singles.push(
      redis.hincrby(`${key(round)}:h`, 'f', 'x').then(
        () => fail('hincrby', 'an error reply'),
        () => {},
      ),
    )
    singles.push(redis.set(`${key(round)}:bin`, BINARY))
    await Promise.all(singles)
    done += singles.length

    const pipeline = redis.pipeline()
    for (let i = 0; i < ROUND_PIPELINE / 2; i++)
      pipeline.rpush(`${prefix}:list`, `${round}:${i}`).ltrim(`${prefix}:list`, -100, -1)
    for (const [error] of await pipeline.exec()) if (error) throw error
    done += ROUND_PIPELINE

    const multi = redis.multi()
    for (let i = 0; i < ROUND_MULTI / 2; i++) multi.incrby(`${prefix}:tx`, 2).decrby(`${prefix}:tx`, 1)
    for (const [error] of await multi.exec()) if (error) throw error
    done += ROUND_MULTI

    const before = received
    const arrived = waitFor(redis, 'message', () => received > before, 'message on the standing subscription')
    await redis.publish(channel, `m${round}`)
    await arrived
    done += 1

    if (round % SUBSCRIBE_CYCLE_EVERY === 0) {
      const cycle = `${prefix}:cycle:${round}`
      const got = waitFor(redis, 'message', (ch) => ch === cycle, `message on ${cycle}`)
      await redis.subscribe(cycle)
      await redis.publish(cycle, 'x')
      await got
      await redis.unsubscribe(cycle)
      done += 1
    }
  }
  sample(done)
  await redis.unsubscribe(channel)
  return taken
}

function fail(what, ...details) {
  throw new Error(`soak: ${what} returned the wrong thing: ${JSON.stringify(details)}`)
}

/**
 * Growth after warm-up: the last sample against the first after the warm-up fraction, and the
 * largest value seen after warm-up against the same point (a sawtooth's peak).
 */
function flatness(samples, warmupFraction = 0.2) {
  const start = samples[Math.min(samples.length - 1, Math.max(1, Math.ceil(samples.length * warmupFraction)))]
  const after = samples.slice(samples.indexOf(start))
  const last = samples[samples.length - 1]
  const growth = {}
  for (const field of ['rssMB', 'heapMB', 'fds', 'sockets', 'threads']) {
    growth[field] = {
      atWarmup: round(start[field]),
      last: round(last[field]),
      peakGrowth: round(Math.max(...after.map((s) => s[field])) - start[field]),
      endGrowth: round(last[field] - start[field]),
    }
  }
  return growth
}

const round = (n) => Math.round(n * 10) / 10

async function main() {
  const { values } = parseArgs({
    options: { commands: { type: 'string' }, samples: { type: 'string' }, out: { type: 'string' } },
  })
  const commands = Number(values.commands ?? process.env.SOAK_COMMANDS ?? 1_000_000)
  const samples = Number(values.samples ?? 40)
  if (!Number.isInteger(commands) || commands < 1) throw new Error('--commands must be a positive integer')
  const Redis = require('..')
  const { startDevStack } = require('../lib/dev-stack')
  const stack = process.env.UPSTASH_REDIS_REST_URL ? null : await startDevStack()
  const redis = stack ? new Redis({ url: stack.url, token: stack.token }) : new Redis()
  const out = values.out ? fs.createWriteStream(values.out) : null
  try {
    const taken = await soak(redis, {
      commands,
      samples,
      prefix: `soak:${process.pid}`,
      onSample: (s) => {
        const line = JSON.stringify(Object.fromEntries(Object.entries(s).map(([k, v]) => [k, round(v)])))
        console.log(line)
        out?.write(line + '\n')
      },
    })
    const last = taken[taken.length - 1]
    console.log(
      `\n${last.commands} commands in ${last.seconds.toFixed(1)} s (${Math.round(last.commands / last.seconds)}/s)`,
    )
    console.log(JSON.stringify({ flatness: flatness(taken) }, null, 2))
  } finally {
    await redis.quit()
    out?.end()
    if (stack) await stack.stop()
  }
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error)
    process.exit(1)
  })
}

module.exports = { soak, flatness, resources }
