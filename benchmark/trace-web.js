'use strict'
// Where the time of the 3-step web request goes, per command: issued → sent (waiting in the
// dispatcher: for the in-flight window or for an earlier command on the same key) → settled (the
// request's round trip through the delay proxy, the gateway and the native core). The client runs
// in this process with its dispatcher instrumented from outside (nothing in lib/ knows about it);
// the proxy is the benchmark's own, in its own process.
//
//   node benchmark/trace-web.js [--rtt=40] [--rate=2000] [--seconds=5] [--max-in-flight=N] [--pool-size=N]
//                               [--hot[=session|counter]]
//
// --hot: every request reads the same session key (a shared configuration entry) and/or increments
// the same counter (a global counter): keys every request of an app touches, where the benchmark's
// workload spreads them over 1000 and 100 keys.
//
// Prints, per step of the request, the mean and percentiles of each phase, how often the window was
// full or a key busy when a command was issued, and the commands per request sent.

const os = require('node:os')
const { startDevStack } = require('../lib/dev-stack.js')
const { Dispatcher, Entry } = require('../lib/dispatcher.js')
const { startProxy, preload } = require('./rtt.js')
const { openLoop } = require('./client-runner.js')
const { percentile, table } = require('./support.js')

const now = () => performance.now()

function parse(argv) {
  const args = { rtt: 40, rate: 2000, seconds: 5, maxInFlight: undefined, poolSize: undefined, hot: '' }
  for (const arg of argv) {
    const [flag, value] = arg.split('=')
    if (flag === '--rtt') args.rtt = Number(value)
    else if (flag === '--rate') args.rate = Number(value)
    else if (flag === '--seconds') args.seconds = Number(value)
    else if (flag === '--max-in-flight') args.maxInFlight = Number(value)
    else if (flag === '--pool-size') args.poolSize = Number(value)
    else if (flag === '--hot') args.hot = value || 'session,counter'
    else throw new Error(`unknown argument ${arg}`)
  }
  return args
}

/** Which step of the web request a command is, from its key. */
function stepOf(entry) {
  const key = entry.keys?.[0] ?? ''
  if (key.startsWith('bench:session:')) return '1 GET session'
  if (key.startsWith('bench:cache:')) return '2 GET cache'
  if (key.startsWith('bench:hits:')) return '2 INCR hits'
  if (key.startsWith('bench:page:')) return '3 SET page'
  return 'other'
}

function instrument(records) {
  const { send, submit } = Dispatcher.prototype
  Dispatcher.prototype.send = function (entry) {
    // The dispatcher counts in-flight keys only when a scan needs them: bring the counts up to date.
    if (this.uncounted > 0) this.countInFlight()
    entry.trace = {
      issued: now(),
      windowFull: this.inFlight.size >= this.maxInFlight,
      keyBusy: entry.keys !== null && entry.keys.some((key) => this.busy.has(key)),
    }
    return send.call(this, entry)
  }
  Dispatcher.prototype.submit = function (entries) {
    const t = now()
    for (const entry of entries) {
      if (!entry.trace) continue
      entry.trace.sent = t
      entry.trace.batch = entries.length
      entry.trace.inFlight = this.inFlight.size
    }
    return submit.call(this, entries)
  }
  const { settle } = Entry.prototype
  Entry.prototype.settle = function (value) {
    if (this.trace && !this.settled && records.on) {
      this.trace.settled = now()
      records.list.push({ step: stepOf(this), ...this.trace })
    }
    return settle.call(this, value)
  }
}

const ms = (x) => x.toFixed(2)

function summary(records, rtt) {
  const steps = [...new Set(records.map((r) => r.step))].sort()
  const rows = []
  for (const step of steps) {
    const list = records.filter((r) => r.step === step && r.sent !== undefined)
    const sorted = (f) => Float64Array.from(list.map(f)).sort()
    const waits = sorted((r) => r.sent - r.issued)
    const flights = sorted((r) => r.settled - r.sent)
    const mean = (a) => a.reduce((s, x) => s + x, 0) / a.length
    rows.push([
      step,
      list.length,
      `${ms(mean(waits))} / ${ms(percentile(waits, 0.5))} / ${ms(percentile(waits, 0.9))}`,
      `${ms(mean(flights) - rtt)} / ${ms(percentile(flights, 0.5) - rtt)} / ${ms(percentile(flights, 0.9) - rtt)}`,
      `${((100 * list.filter((r) => r.windowFull).length) / list.length).toFixed(0)}%`,
      `${((100 * list.filter((r) => r.keyBusy).length) / list.length).toFixed(0)}%`,
      (list.reduce((s, r) => s + r.batch, 0) / list.length).toFixed(1),
    ])
  }
  return table(
    [
      'step',
      'commands',
      'wait mean/p50/p90 ms',
      'flight − RTT mean/p50/p90 ms',
      'window full at issue',
      'key busy at issue',
      'commands per request',
    ],
    rows,
  )
}

async function main() {
  const args = parse(process.argv.slice(2))
  const stack = await startDevStack()
  const proxy = startProxy()
  try {
    await preload(stack.redisUrl)
    const http = await proxy.listen(Number(new URL(stack.url).port), args.rtt)
    const records = { on: false, list: [] }
    instrument(records)
    const Redis = require('..')
    const options = { url: `http://127.0.0.1:${http.port}`, token: stack.token }
    if (args.maxInFlight) options.maxInFlight = args.maxInFlight
    if (args.poolSize !== undefined) options.poolSize = args.poolSize
    const redis = new Redis(options)
    const hot = (what, k) => (args.hot.includes(what) ? k.replace(/:\d+$/, ':000000000000') : k)
    const client = {
      get: (k) => redis.get(k.startsWith('bench:session:') ? hot('session', k) : k),
      set: (k, v) => redis.set(k, v),
      incr: (k) => redis.incr(hot('counter', k)),
    }
    // The warm-up opens the connections; only the timed part is recorded.
    await openLoop(client, { rate: args.rate, seconds: 1, warmupSeconds: 1, drainMs: 30_000 })
    records.on = true
    const load = os.loadavg()[0]
    const result = await openLoop(client, { rate: args.rate, seconds: args.seconds, warmupSeconds: 0, drainMs: 30_000 })
    records.on = false
    const lateness = await proxy.stats(http.id)
    await redis.quit()
    console.log(
      `${args.hot ? `hot ${args.hot}, ` : ''}RTT ${args.rtt} ms, ${args.rate} req/s, maxInFlight ${redis.options?.maxInFlight ?? options.maxInFlight ?? 'default'}, ` +
        `load ${load.toFixed(2)}: request p50 / p90 / p99 ${result.latency.p50Ms} / ${result.latency.p90Ms} / ` +
        `${result.latency.p99Ms} ms (ideal ${3 * args.rtt}), achieved ${result.achievedRate}/s; ` +
        `proxy lateness per direction mean ${lateness.meanMs} ms, p99 ${lateness.p99Ms} ms`,
    )
    console.log(summary(records.list, args.rtt))
  } finally {
    proxy.stop()
    await stack.stop()
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error)
    process.exit(1)
  },
)
