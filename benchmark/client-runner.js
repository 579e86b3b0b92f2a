'use strict'
// One client, one RTT, every client workload — in a process of its own (forked by rtt.js), so that
// process.cpuUsage() and the RSS are this client's alone and no other client's garbage or threads
// are counted. The parent sends { type: 'run', config } and gets { type: 'result', result } or
// { type: 'error', message }.
//
// Every client is used through the same five calls (get, set, incr, pipeline of GET/SET, close), and
// every reply is checked: a GET of a preloaded key must return the value that was stored, or the run
// fails instead of timing errors.

const { percentile } = require('./support.js')
const { keyName, KEYS, VALUE_SIZES, valueOf } = require('./keys.js')

const now = () => performance.now()

// --- the clients ----------------------------------------------------------------------------------

/** ioredis-shaped clients (ours and ioredis): pipeline().exec() answers [[err, result], …]. */
function ioredisShaped(client) {
  return {
    get: (k) => client.get(k),
    set: (k, v) => client.set(k, v),
    incr: (k) => client.incr(k),
    async pipeline(commands) {
      const p = client.pipeline()
      for (const [name, ...args] of commands) p[name](...args)
      const replies = await p.exec()
      return replies.map(([error, result]) => {
        if (error) throw error
        return result
      })
    },
    close: () => client.quit(),
  }
}

function upstashShaped(client) {
  return {
    get: (k) => client.get(k),
    set: (k, v) => client.set(k, v),
    incr: (k) => client.incr(k),
    async pipeline(commands) {
      const p = client.pipeline()
      for (const [name, ...args] of commands) p[name](...args)
      return p.exec()
    },
    close: async () => {},
  }
}

/** `kind` → a client at `config` (proxied URL / port). */
const CLIENTS = {
  ours(config) {
    const Redis = require('..')
    const options = { url: config.httpUrl, token: config.token }
    // The in-flight window exists only in dispatcher versions that have it; pass it only when asked
    // for, so this runner measures the client as it is without it.
    if (config.maxInFlight) options.maxInFlight = config.maxInFlight
    return ioredisShaped(new Redis(options))
  },
  upstash(config) {
    const { Redis } = require('@upstash/redis')
    return upstashShaped(new Redis({ url: config.httpUrl, token: config.token, enableTelemetry: false }))
  },
  'upstash-raw'(config) {
    const { Redis } = require('@upstash/redis')
    return upstashShaped(
      new Redis({ url: config.httpUrl, token: config.token, enableTelemetry: false, automaticDeserialization: false }),
    )
  },
  ioredis(config) {
    const IORedis = require('ioredis')
    return ioredisShaped(new IORedis({ host: '127.0.0.1', port: config.tcpPort, enableAutoPipelining: false }))
  },
  'ioredis-auto'(config) {
    const IORedis = require('ioredis')
    return ioredisShaped(new IORedis({ host: '127.0.0.1', port: config.tcpPort, enableAutoPipelining: true }))
  },
}

// --- measuring ------------------------------------------------------------------------------------

class BadReply extends Error {}

function expectValue(reply, size, what) {
  if (typeof reply !== 'string' || reply.length !== size) {
    const shown = typeof reply === 'string' ? `a string of ${reply.length} chars` : JSON.stringify(reply)
    throw new BadReply(`${what}: expected a ${size}-byte value, got ${String(shown).slice(0, 80)}`)
  }
}

function summarize(samples) {
  const sorted = Float64Array.from(samples).sort()
  const round = (x) => Number(x.toFixed(3))
  return {
    samples: sorted.length,
    p50Ms: round(percentile(sorted, 0.5)),
    p90Ms: round(percentile(sorted, 0.9)),
    p99Ms: round(percentile(sorted, 0.99)),
    maxMs: round(sorted[sorted.length - 1]),
  }
}

function heapAndOutside() {
  const m = process.memoryUsage()
  const mb = (bytes) => Number((bytes / 2 ** 20).toFixed(1))
  return { endRssMB: mb(m.rss), endHeapTotalMB: mb(m.heapTotal), endOutsideHeapMB: mb(m.rss - m.heapTotal) }
}

/** CPU (user + system, all threads of this process) and RSS around `fn`; `ops` is what fn did. */
async function metered(fn) {
  let peakRss = process.memoryUsage.rss()
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss())
  }, 50)
  const cpu = process.cpuUsage()
  const start = now()
  try {
    const out = await fn(() => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss())
    })
    const wallMs = now() - start
    const used = process.cpuUsage(cpu)
    const cpuMicros = used.user + used.system
    return {
      ...out,
      wallMs: Number(wallMs.toFixed(1)),
      opsPerSec: Math.round(out.ops / (out.seconds ?? wallMs / 1000)),
      cpuMicrosPerOp: Number((cpuMicros / out.ops).toFixed(2)),
      cpuUtilization: Number((cpuMicros / 1000 / wallMs).toFixed(3)), // cores busy, on average
      peakRssMB: Number((Math.max(peakRss, process.memoryUsage.rss()) / 2 ** 20).toFixed(1)),
      // Where the RSS is at the end: V8's heap, or memory outside it (addon, allocator, buffers).
      ...heapAndOutside(),
    }
  } finally {
    clearInterval(sampler)
  }
}

// --- the workloads --------------------------------------------------------------------------------

/** Serial GETs, each awaited: the latency of one command. */
async function serial(client, { budgetMs, rttMs, maxSamples }) {
  const size = VALUE_SIZES.small
  const count = Math.max(30, Math.min(maxSamples, Math.floor(budgetMs / Math.max(rttMs, 0.25))))
  for (let i = 0; i < 20; i++) expectValue(await client.get(keyName('small', i)), size, 'serial GET')
  return metered(async () => {
    const samples = new Float64Array(count)
    for (let i = 0; i < count; i++) {
      const t0 = now()
      const reply = await client.get(keyName('small', i % KEYS))
      samples[i] = now() - t0
      expectValue(reply, size, 'serial GET')
    }
    return { ops: count, latency: summarize(samples) }
  })
}

/** The web request of issue 9: three dependent steps, four commands. */
async function webRequest(client, i) {
  const size = VALUE_SIZES.small
  expectValue(await client.get(keyName('session', i % KEYS)), size, 'GET session')
  const [cached] = await Promise.all([client.get(keyName('cache', i % KEYS)), client.incr(`bench:hits:${i % 100}`)])
  expectValue(cached, size, 'GET cache')
  await client.set(keyName('page', i % KEYS), valueOf(size))
}

/**
 * Open loop: request i is due at start + i/rate whatever happened to the earlier ones, and its
 * latency counts from when it was due (not from when the timer got to it), so a client that falls
 * behind is charged for the queue it builds (no coordinated omission).
 */
async function openLoop(client, { rate, seconds, warmupSeconds, drainMs }) {
  const run = (count, collect) =>
    new Promise((resolve, reject) => {
      const interval = 1000 / rate
      const samples = collect ? new Float64Array(count) : null
      const start = now()
      let issued = 0
      let done = 0
      let lastDone = start
      let timer = null
      const watchdog = setTimeout(
        () => {
          clearTimeout(timer)
          resolve({ start, issued, done, lastDone, samples, unfinished: issued - done })
        },
        (count / rate) * 1000 + drainMs,
      )
      const finish = () => {
        clearTimeout(watchdog)
        resolve({ start, issued, done, lastDone, samples, unfinished: 0 })
      }
      const tick = () => {
        const t = now()
        while (issued < count && start + issued * interval <= t) {
          const due = start + issued * interval
          webRequest(client, issued++).then(() => {
            lastDone = now()
            if (samples) samples[done] = lastDone - due
            if (++done === count) finish()
          }, reject)
        }
        if (issued < count) timer = setTimeout(tick, 1)
      }
      tick()
    })
  await run(Math.max(1, Math.round(rate * warmupSeconds)), false)
  return metered(async () => {
    const r = await run(Math.max(1, Math.round(rate * seconds)), true)
    const elapsed = (r.lastDone - r.start) / 1000
    return {
      ops: r.done * 4,
      requests: r.done,
      unfinished: r.unfinished,
      targetRate: rate,
      achievedRate: Math.round(r.done / Math.max(elapsed, seconds)),
      seconds: elapsed,
      latency: summarize(r.samples.subarray(0, r.done)),
    }
  })
}

/** 1000 commands at once (80% GET / 20% SET of random preloaded keys), round after round. */
function burstCommands(space, round, n) {
  const commands = new Array(n)
  for (let i = 0; i < n; i++) {
    const key = keyName(space, (i * 7919 + round * 104729) % KEYS)
    commands[i] = i % 5 === 0 ? ['set', key, valueOf(VALUE_SIZES[space])] : ['get', key]
  }
  return commands
}

function checkReplies(commands, replies, size, what) {
  for (let i = 0; i < commands.length; i++) {
    if (commands[i][0] === 'get') expectValue(replies[i], size, what)
  }
}

async function rounds(client, { space, seconds, warmupRounds, size = 1000, explicit }) {
  const once = async (round) => {
    const commands = burstCommands(space, round, size)
    const replies = explicit
      ? await client.pipeline(commands)
      : await Promise.all(commands.map(([name, ...args]) => client[name](...args)))
    checkReplies(commands, replies, VALUE_SIZES[space], explicit ? 'pipeline' : 'burst')
  }
  for (let round = 0; round < warmupRounds; round++) await once(round)
  return metered(async (sampleRss) => {
    const samples = []
    const deadline = now() + seconds * 1000
    let round = 0
    const start = now()
    while (round === 0 || now() < deadline) {
      const t0 = now()
      await once(round++)
      samples.push(now() - t0)
      sampleRss()
    }
    return {
      ops: round * size,
      rounds: round,
      concurrency: size,
      seconds: (now() - start) / 1000,
      latency: summarize(samples),
    }
  })
}

// --- main -----------------------------------------------------------------------------------------

async function run(config) {
  const make = CLIENTS[config.kind]
  if (!make) throw new Error(`unknown client ${config.kind}`)
  const rssBaseMB = Number((process.memoryUsage.rss() / 2 ** 20).toFixed(1))
  const client = make(config)
  const d = config.durations
  try {
    const workloads = {}
    const want = (name) => config.workloads.includes(name)
    if (want('serial'))
      workloads.serial = await serial(client, { budgetMs: d.serialMs, rttMs: config.rttMs, maxSamples: d.serialMax })
    if (want('web'))
      workloads.web = await openLoop(client, {
        rate: config.webRate,
        seconds: d.webSeconds,
        warmupSeconds: d.webWarmupSeconds,
        drainMs: d.drainMs,
      })
    for (const space of ['small', 'large']) {
      if (want(`burst-${space}`))
        workloads[`burst-${space}`] = await rounds(client, {
          space,
          seconds: d.roundSeconds,
          warmupRounds: d.warmupRounds,
        })
    }
    if (want('pipeline'))
      workloads.pipeline = await rounds(client, {
        space: 'small',
        seconds: d.roundSeconds,
        warmupRounds: d.warmupRounds,
        explicit: true,
      })
    return { client: config.kind, rttMs: config.rttMs, rssBaseMB, workloads }
  } finally {
    await client.close()
  }
}

module.exports = { CLIENTS, webRequest, openLoop }
if (require.main !== module) return

process.once('message', (message) => {
  if (message.type !== 'run') return
  run(message.config).then(
    (result) => process.send({ type: 'result', result }, () => process.exit(0)),
    (error) =>
      process.send({ type: 'error', message: error.stack || String(error), badReply: error instanceof BadReply }, () =>
        process.exit(1),
      ),
  )
})
process.on('disconnect', () => process.exit(1))
