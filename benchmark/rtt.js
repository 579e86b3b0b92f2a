'use strict'
// The client sweep: every client × every RTT, each client in a process of its own
// (client-runner.js), all of them through one delay proxy process (benchmark/delay-proxy/, a Rust
// binary built before the run) in front of one private gateway and redis-server. Plus
// redis-benchmark straight at redis-server (no proxy, RTT 0) as the server's ceiling.
// benchmark/index.js drives it and writes the results.

const { execFile, execFileSync, fork, spawn } = require('node:child_process')
const os = require('node:os')
const path = require('node:path')
const readline = require('node:readline')
const IORedis = require('ioredis')
const { startDevStack } = require('../lib/dev-stack.js')
const { KEYS, VALUE_SIZES, keyName, valueOf } = require('./keys.js')

const RUNNER = path.join(__dirname, 'client-runner.js')
const ROOT = path.join(__dirname, '..')
// The delay proxy, a binary of this workspace (benchmark/delay-proxy/).
const PROXY_PACKAGE = 'fragment-redis-delay-proxy'
const PROXY_PRIORITY = -10

/** The clients, in report order, with what each one talks to through the proxy. */
const CLIENTS = Object.freeze({
  ours: { label: '@fragment/redis-native', transport: 'http' },
  upstash: { label: '@upstash/redis (defaults)', transport: 'http' },
  'upstash-raw': { label: '@upstash/redis (automaticDeserialization: false)', transport: 'http' },
  ioredis: { label: 'ioredis (TCP)', transport: 'tcp' },
  'ioredis-auto': { label: 'ioredis (TCP, enableAutoPipelining)', transport: 'tcp' },
})

const WORKLOADS = Object.freeze(['serial', 'web', 'burst-small', 'burst-large', 'pipeline'])

// Which workloads share a client process. The burst of 1000 with 100 B values has one of its own:
// its peak RSS is the "RSS at concurrency 1000" target, and must not include what an earlier
// workload (the open loop's backlog, 4 KB values) left in the heap.
const PROCESS_GROUPS = Object.freeze([['serial', 'web'], ['burst-small'], ['burst-large', 'pipeline']])

// --- child processes --------------------------------------------------------------------------------

/**
 * Builds the delay proxy (a no-op when it is fresh) and returns its binary's path, as cargo names
 * it (so a CARGO_TARGET_DIR or a build target of the environment is honoured).
 */
function buildProxy() {
  let output
  try {
    output = execFileSync('cargo', ['build', '--release', '-p', PROXY_PACKAGE, '--message-format=json'], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    })
  } catch (error) {
    throw new Error(
      `building the delay proxy (cargo build -p ${PROXY_PACKAGE}) failed:\n${error.stderr || error.message}`,
    )
  }
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue
    const message = JSON.parse(line)
    if (message.reason === 'compiler-artifact' && message.target?.name === PROXY_PACKAGE && message.executable) {
      return message.executable
    }
  }
  throw new Error(`cargo built ${PROXY_PACKAGE} but named no executable`)
}

/** The delay proxy as a child (JSON lines on its stdin and stdout), with a promise per request. */
function startProxy() {
  const child = spawn(buildProxy(), [], { stdio: ['pipe', 'pipe', 'inherit'] })
  // On a loaded machine a late wake-up is a longer RTT than asked for: the proxy gets a higher
  // scheduling priority where the OS allows it (root on Linux), and its lateness is reported anyway.
  // This must come before the first `listen`: on Linux setpriority(pid) renices only the process's
  // main thread, and the proxy's other threads (accept, readers, writers) are all created after it,
  // from it, and inherit its priority. Until then the proxy has no other thread.
  let priority = 0
  try {
    os.setPriority(child.pid, PROXY_PRIORITY)
    priority = PROXY_PRIORITY
  } catch {
    // not permitted: normal priority
  }
  const waiting = new Map() // `${type}:${id}` → { resolve, reject }
  let gone = null // why the proxy can no longer answer
  const failAll = (error) => {
    gone = error
    for (const { reject } of waiting.values()) reject(error)
    waiting.clear()
  }
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    const message = JSON.parse(line)
    if (message.type === 'error') {
      // A request the proxy refused: fail whatever waits on that id.
      for (const [key, { reject }] of waiting) {
        if (key.endsWith(`:${message.id}`)) {
          waiting.delete(key)
          reject(new Error(`delay proxy: ${message.message}`))
        }
      }
      return
    }
    const key = `${message.type}:${message.id}`
    const waiter = waiting.get(key)
    waiting.delete(key)
    if (waiter) waiter.resolve(message)
  })
  child.on('exit', (code, signal) => failAll(new Error(`delay proxy exited (${signal || code})`)))
  child.on('error', (error) => failAll(new Error(`delay proxy: ${error.message}`)))
  child.stdin.on('error', () => {}) // a proxy that is gone: 'exit' fails what waits
  let nextId = 0
  const ask = (message, answer) =>
    new Promise((resolve, reject) => {
      if (gone) return reject(gone)
      const timer = setTimeout(() => reject(new Error(`delay proxy: no answer to ${message.type}`)), 10_000)
      waiting.set(`${answer}:${message.id}`, {
        resolve: (reply) => {
          clearTimeout(timer)
          resolve(reply)
        },
        reject: (error) => {
          clearTimeout(timer)
          reject(error)
        },
      })
      child.stdin.write(`${JSON.stringify(message)}\n`)
    })
  return {
    async listen(upstreamPort, rttMs) {
      const id = ++nextId
      const { port } = await ask({ type: 'listen', id, upstreamPort, rttMs }, 'listening')
      return { id, port }
    },
    stats: async (id) => (await ask({ type: 'stats', id }, 'stats')).stats,
    close: (id) => ask({ type: 'close', id }, 'closed'),
    priority,
    // The proxy also exits by itself when its stdin closes, so a parent that dies takes it along.
    stop: () => child.kill('SIGKILL'),
  }
}

/** One client-runner process; resolves its result, rejects on error, crash or `timeoutMs`. */
function runClient(config, timeoutMs, execArgv = []) {
  return new Promise((resolve, reject) => {
    const child = fork(RUNNER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv })
    let settled = false
    const settle = (fn, value) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      fn(value)
    }
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      settle(reject, new Error(`${config.kind} at RTT ${config.rttMs} ms: no result after ${timeoutMs / 1000} s`))
    }, timeoutMs)
    child.on('message', (message) => {
      if (message.type === 'result') settle(resolve, message.result)
      else if (message.type === 'error')
        settle(reject, new Error(`${config.kind} at RTT ${config.rttMs} ms: ${message.message}`))
    })
    child.on('exit', (code, signal) =>
      settle(reject, new Error(`${config.kind} at RTT ${config.rttMs} ms: runner exited (${signal || code})`)),
    )
    child.send({ type: 'run', config })
  })
}

let runningBenchmark = null // killed on exit if we die while it runs
process.on('exit', () => runningBenchmark && runningBenchmark.kill('SIGKILL'))

/** redis-benchmark --csv → { rps, p50Ms, p99Ms } (Redis ≥ 7 prints the percentiles; older: null). */
function redisBenchmark(port, args) {
  const argv = ['-h', '127.0.0.1', '-p', String(port), '-r', String(KEYS), '-q', '--csv', ...args]
  return new Promise((resolve, reject) => {
    runningBenchmark = execFile(
      'redis-benchmark',
      argv,
      { timeout: 60_000, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        runningBenchmark = null
        if (error) return reject(new Error(`redis-benchmark ${args.join(' ')} failed: ${error.message}\n${stderr}`))
        const lines = stdout.trim().split('\n')
        const header = lines.find((l) => l.startsWith('"test"'))
        const row = lines.find((l) => !l.startsWith('"test"') && l.startsWith('"'))
        if (!row) return reject(new Error(`cannot parse redis-benchmark output:\n${stdout}`))
        const values = JSON.parse(`[${row}]`)
        const names = header ? JSON.parse(`[${header}]`) : ['test', 'rps']
        const field = (name) => {
          const i = names.indexOf(name)
          return i < 0 ? null : Number(values[i])
        }
        resolve({
          command: `redis-benchmark ${args.join(' ')}`,
          rps: Math.round(field('rps')),
          p50Ms: field('p50_latency_ms'),
          p99Ms: field('p99_latency_ms'),
        })
      },
    )
  })
}

async function ceiling(port, smoke) {
  const key = `${keyName('small', 0).slice(0, -12)}__rand_int__`
  return {
    serial: await redisBenchmark(port, ['-c', '1', '-P', '1', '-n', smoke ? '2000' : '50000', 'GET', key]),
    pipelined: await redisBenchmark(port, ['-c', '8', '-P', '100', '-n', smoke ? '200000' : '5000000', 'GET', key]),
  }
}

// --- the sweep ----------------------------------------------------------------------------------------

async function preload(redisUrl) {
  const redis = new IORedis(redisUrl)
  try {
    for (const space of Object.keys(VALUE_SIZES)) {
      const args = []
      for (let i = 0; i < KEYS; i++) args.push(keyName(space, i), valueOf(VALUE_SIZES[space]))
      await redis.mset(args)
    }
  } finally {
    redis.disconnect()
  }
}

/**
 * options: { rtts, clients, workloads, durations, webRate, maxInFlight, smoke, cpuProfDir, log }.
 * Resolves { ceiling, runs: [{ client, rttMs, workloads, proxy, loadavg, … }] }.
 */
async function runSweep(options) {
  const { rtts, clients, workloads, durations, webRate, maxInFlight, smoke, cpuProfDir, log } = options
  const stack = await startDevStack()
  const proxy = startProxy()
  try {
    await preload(stack.redisUrl)
    log('redis-benchmark (server ceiling, RTT 0, no proxy)')
    const server = await ceiling(stack.redisPort, smoke)
    const gatewayPort = Number(new URL(stack.url).port)
    const runs = []
    for (const rttMs of rtts) {
      const http = await proxy.listen(gatewayPort, rttMs)
      const tcp = await proxy.listen(stack.redisPort, rttMs)
      for (const kind of clients) {
        const through = CLIENTS[kind].transport === 'http' ? http : tcp
        await proxy.stats(through.id) // reset
        const loadBefore = os.loadavg()[0]
        log(`RTT ${rttMs} ms: ${CLIENTS[kind].label}`)
        const config = {
          kind,
          rttMs,
          httpUrl: `http://127.0.0.1:${http.port}`,
          tcpPort: tcp.port,
          token: stack.token,
          maxInFlight: kind === 'ours' ? maxInFlight : undefined,
          workloads,
          webRate,
          durations,
        }
        const merged = { client: kind, rttMs, rssBaseMB: null, workloads: {} }
        for (const group of PROCESS_GROUPS) {
          const wanted = group.filter((w) => workloads.includes(w))
          if (wanted.length === 0) continue
          // --cpu-prof: V8's sampling profile of each client process, named after client, RTT and group.
          const name = `${kind}-rtt${rttMs}-${wanted.join('+')}.cpuprofile`
          const execArgv = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`, `--cpu-prof-name=${name}`] : []
          const part = await runClient({ ...config, workloads: wanted }, durations.runnerTimeoutMs, execArgv)
          merged.rssBaseMB = Math.max(merged.rssBaseMB ?? 0, part.rssBaseMB)
          Object.assign(merged.workloads, part.workloads)
        }
        runs.push({
          ...merged,
          label: CLIENTS[kind].label,
          maxInFlight: config.maxInFlight ?? null,
          proxyLateness: await proxy.stats(through.id),
          loadavg1: { before: Number(loadBefore.toFixed(2)), after: Number(os.loadavg()[0].toFixed(2)) },
        })
      }
      await proxy.close(http.id)
      await proxy.close(tcp.id)
    }
    return { ceiling: server, proxyPriority: proxy.priority, runs }
  } finally {
    proxy.stop()
    await stack.stop()
  }
}

module.exports = { runSweep, startProxy, preload, CLIENTS, WORKLOADS }
