'use strict'

// Gateway vs. redis-server, measured in one run against the same private redis-server:
//   throughput  POST /pipeline (batches of GETs, several in flight)  vs.  redis-benchmark -P
//   latency     sequential POST / ["GET",k]                         vs.  raw RESP GET from Node
// Prints a table and a final JSON line. Node built-ins only (+ redis-benchmark from redis-tools).
//
//   node benchmark/gateway.js
//   BENCH_CONCURRENCY=16 BENCH_SECONDS=10 node benchmark/gateway.js

const { execFile } = require('node:child_process')
const http = require('node:http')
const net = require('node:net')
const os = require('node:os')
const fs = require('node:fs')
const { startDevStack } = require('../lib/dev-stack')

const KEYS = 1000
const VALUE_BYTES = 100
const BATCH = 100 // GETs per POST /pipeline, and the -P of redis-benchmark
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY) || 8 // HTTP requests in flight = redis-benchmark -c
const WARMUP_MS = 1000
const MEASURE_MS = (Number(process.env.BENCH_SECONDS) || 5) * 1000
const DIRECT_GETS = Number(process.env.BENCH_DIRECT_GETS) || 5_000_000 // a few seconds of redis-benchmark
const LATENCY_SAMPLES = 2000
const LATENCY_WARMUP = 200
const REQUEST_TIMEOUT_MS = 10_000
const REDIS_BENCHMARK_TIMEOUT_MS = 60_000
const OVERALL_TIMEOUT_MS = 120_000
const GOAL_RATIO = 0.3

// Zero-padded to 12 digits because that is how redis-benchmark expands `__rand_int__`: both
// clients then read exactly the same 1000 keys and values.
const keyName = (i) => `bench:key:${String(i).padStart(12, '0')}`
const nowMs = () => Number(process.hrtime.bigint()) / 1e6

// --- a minimal sequential RESP2 client (preload + direct latency) -------------------------------

// Parses one reply at `offset`: returns { value, end } or null when more bytes are needed.
function parseReply(buf, offset) {
  const lineEnd = buf.indexOf('\r\n', offset)
  if (lineEnd < 0) return null
  const type = String.fromCharCode(buf[offset])
  const line = buf.toString('utf8', offset + 1, lineEnd)
  if (type === '+' || type === ':') return { value: line, end: lineEnd + 2 }
  if (type === '-') return { value: new Error(line), end: lineEnd + 2 }
  if (type === '$') {
    const len = Number(line)
    if (len < 0) return { value: null, end: lineEnd + 2 }
    const end = lineEnd + 2 + len + 2
    return buf.length < end ? null : { value: buf.toString('utf8', lineEnd + 2, end - 2), end }
  }
  throw new Error(`unexpected RESP reply type ${JSON.stringify(type)}`)
}

const encodeCommand = (args) => `*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')

async function connectResp(port) {
  const socket = net.connect({ host: '127.0.0.1', port, noDelay: true })
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject))
  let buffered = Buffer.alloc(0)
  let pending = null // { resolve, reject } of the one command in flight
  socket.on('data', (chunk) => {
    buffered = Buffer.concat([buffered, chunk])
    const reply = pending && parseReply(buffered, 0)
    if (!reply) return
    buffered = buffered.subarray(reply.end)
    const { resolve, reject } = pending
    pending = null
    reply.value instanceof Error ? reject(reply.value) : resolve(reply.value)
  })
  socket.on('error', (error) => pending && pending.reject(error))
  return {
    command(args) {
      return new Promise((resolve, reject) => {
        pending = { resolve, reject }
        socket.write(encodeCommand(args))
      })
    },
    close: () => socket.destroy(),
  }
}

// CPU time (user + system, ms) a process has used so far, from /proc (Linux); null elsewhere. The
// gateway's CPU per GET holds still on a loaded machine, where its GETs/s and the ratio do not.
const CLOCK_TICKS_PER_SEC = 100 // USER_HZ: 100 on every Linux architecture Node runs on
function cpuMsOf(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ') // fields[0] is field 3 (state)
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SEC // utime, stime
  } catch {
    return null
  }
}

// --- HTTP ---------------------------------------------------------------------------------------

function post(agent, url, token, path, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path,
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': body.length,
        },
      },
      (res) => {
        const chunks = []
        res.on('data', (c) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }))
        res.on('error', reject)
      },
    )
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`POST ${path} timed out`)))
    req.on('error', reject)
    req.end(body)
  })
}

// --- the measurements ---------------------------------------------------------------------------

async function preload(redisPort) {
  const redis = await connectResp(redisPort)
  try {
    const value = 'v'.repeat(VALUE_BYTES)
    const args = ['MSET']
    for (let i = 0; i < KEYS; i++) args.push(keyName(i), value)
    await redis.command(args)
    const size = Number(await redis.command(['DBSIZE']))
    if (size < KEYS) throw new Error(`preload: DBSIZE is ${size}, expected ${KEYS}`)
  } finally {
    redis.close()
  }
}

// Bodies are built once so the (single-process, CPU-sharing) client spends its time on HTTP, not
// on JSON.stringify. Every value has the same size, so a correct reply to a given body always has
// the same length: the warm-up checks each reply fully, the timed loop then checks just the length.
async function gatewayThroughput({ url, token, pids }) {
  const target = new URL(url)
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY })
  const bodies = []
  for (let start = 0; start < KEYS; start += BATCH) {
    const cmds = Array.from({ length: BATCH }, (_, j) => ['GET', keyName((start + j) % KEYS)])
    bodies.push(Buffer.from(JSON.stringify(cmds)))
  }
  const expectedLength = new Map()
  const value = 'v'.repeat(VALUE_BYTES)

  const check = (body, res) => {
    if (res.status !== 200) throw new Error(`POST /pipeline: HTTP ${res.status}: ${res.body.toString().slice(0, 200)}`)
    const known = expectedLength.get(body)
    if (known !== undefined) {
      if (res.body.length !== known)
        throw new Error(`POST /pipeline: reply of ${res.body.length} bytes, expected ${known}`)
      return
    }
    const replies = JSON.parse(res.body)
    if (replies.length !== BATCH || !replies.every((r) => r.result === value)) {
      throw new Error(`POST /pipeline: unexpected reply ${res.body.toString().slice(0, 200)}`)
    }
    expectedLength.set(body, res.body.length)
  }

  // CONCURRENCY workers, each sending its next request as soon as the previous one is answered.
  const runFor = async (ms) => {
    const deadline = nowMs() + ms
    let next = 0
    let requests = 0
    const worker = async () => {
      while (nowMs() < deadline) {
        const body = bodies[next++ % bodies.length]
        check(body, await post(agent, target, token, '/pipeline', body))
        requests++
      }
    }
    const started = nowMs()
    await Promise.all(Array.from({ length: CONCURRENCY }, worker))
    return { requests, seconds: (nowMs() - started) / 1000 } // includes the tail after the deadline
  }

  try {
    await runFor(WARMUP_MS)
    const cpuBefore = cpuMsOf(pids.gateway)
    const { requests, seconds } = await runFor(MEASURE_MS)
    const cpuMs = cpuBefore === null ? null : cpuMsOf(pids.gateway) - cpuBefore
    return {
      getsPerSec: (requests * BATCH) / seconds,
      requests,
      seconds,
      cpuMicrosPerGet: cpuMs === null ? null : (cpuMs * 1000) / (requests * BATCH),
    }
  } finally {
    agent.destroy()
  }
}

let runningBenchmark = null // killed by the 'exit' handler if we die while it runs

function directThroughput(redisPort) {
  const args = [
    '-h',
    '127.0.0.1',
    '-p',
    String(redisPort),
    '-c',
    String(CONCURRENCY),
    '-P',
    String(BATCH),
    '-n',
    String(DIRECT_GETS),
    '-r',
    String(KEYS),
    '-q',
    '--csv',
    'GET',
    'bench:key:__rand_int__',
  ]
  return new Promise((resolve, reject) => {
    runningBenchmark = execFile(
      'redis-benchmark',
      args,
      { timeout: REDIS_BENCHMARK_TIMEOUT_MS, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        runningBenchmark = null
        if (error) return reject(new Error(`redis-benchmark failed: ${error.message}\n${stderr}`))
        // "test","rps",... then "GET bench:key:__rand_int__","2040816.38",...
        const row = stdout
          .trim()
          .split('\n')
          .find((l) => l.startsWith('"GET'))
        const rps = row && Number(JSON.parse(`[${row}]`)[1])
        if (!rps) return reject(new Error(`cannot parse redis-benchmark output:\n${stdout}`))
        resolve({ getsPerSec: rps, gets: DIRECT_GETS })
      },
    )
  })
}

// Times LATENCY_SAMPLES sequential calls of `once(i)` after a short untimed warm-up.
async function sampleLatency(once) {
  for (let i = 0; i < LATENCY_WARMUP; i++) await once(i)
  const samples = []
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const t0 = nowMs()
    await once(i)
    samples.push(nowMs() - t0)
  }
  samples.sort((a, b) => a - b)
  const pct = (p) => samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))]
  return { p50Ms: pct(50), p99Ms: pct(99) }
}

async function gatewayLatency({ url, token }) {
  const target = new URL(url)
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  try {
    return await sampleLatency(async (i) => {
      const res = await post(agent, target, token, '/', Buffer.from(JSON.stringify(['GET', keyName(i % KEYS)])))
      if (res.status !== 200) throw new Error(`POST /: HTTP ${res.status}: ${res.body.toString().slice(0, 200)}`)
    })
  } finally {
    agent.destroy()
  }
}

async function redisLatency(redisPort) {
  const redis = await connectResp(redisPort)
  try {
    return await sampleLatency((i) => redis.command(['GET', keyName(i % KEYS)]))
  } finally {
    redis.close()
  }
}

// Every GET above (gateway or direct) must have found its key, or we timed nil replies.
async function assertNoMisses(redisPort) {
  const redis = await connectResp(redisPort)
  try {
    const misses = Number(/keyspace_misses:(\d+)/.exec(await redis.command(['INFO', 'stats']))[1])
    if (misses !== 0) throw new Error(`redis counted ${misses} GETs of missing keys`)
  } finally {
    redis.close()
  }
}

// --- report -------------------------------------------------------------------------------------

function report(r) {
  const int = (n) => Math.round(n).toLocaleString('en-US')
  const ms = (n) => n.toFixed(3)
  const rows = [
    ['gateway  POST /pipeline', 'GET/s', int(r.gateway.getsPerSec)],
    [
      'gateway  CPU per GET (whole process)',
      'µs',
      r.gateway.cpuMicrosPerGet === null ? 'n/a' : r.gateway.cpuMicrosPerGet.toFixed(3),
    ],
    ['redis    redis-benchmark -P', 'GET/s', int(r.direct.getsPerSec)],
    [
      'ratio    gateway / direct',
      '',
      `${r.ratio.toFixed(3)} (goal >= ${GOAL_RATIO}: ${r.ratio >= GOAL_RATIO ? 'met' : 'NOT met'})`,
    ],
    ['gateway  POST / GET', 'p50 ms', ms(r.gatewayLatency.p50Ms)],
    ['gateway  POST / GET', 'p99 ms', ms(r.gatewayLatency.p99Ms)],
    ['redis    RESP GET from Node', 'p50 ms', ms(r.redisLatency.p50Ms)],
    ['redis    RESP GET from Node', 'p99 ms', ms(r.redisLatency.p99Ms)],
  ]
  const widths = [0, 1].map((c) => Math.max(...rows.map((row) => row[c].length)))
  console.log(
    `\n${KEYS} keys x ${VALUE_BYTES} B, batches of ${BATCH} GETs, concurrency ${CONCURRENCY}, ` +
      `${MEASURE_MS / 1000} s timed, ${os.cpus().length} CPUs shared by client, gateway and redis-server\n`,
  )
  for (const [a, b, c] of rows) console.log(`${a.padEnd(widths[0])}  ${b.padEnd(widths[1])}  ${c}`)
  console.log(
    JSON.stringify({
      benchmark: 'gateway',
      cpus: os.cpus().length,
      keys: KEYS,
      valueBytes: VALUE_BYTES,
      batch: BATCH,
      concurrency: CONCURRENCY,
      gatewayGetsPerSec: Math.round(r.gateway.getsPerSec),
      gatewayCpuMicrosPerGet: r.gateway.cpuMicrosPerGet === null ? null : Number(r.gateway.cpuMicrosPerGet.toFixed(3)),
      directGetsPerSec: Math.round(r.direct.getsPerSec),
      ratio: Number(r.ratio.toFixed(4)),
      gatewayP50Ms: Number(ms(r.gatewayLatency.p50Ms)),
      gatewayP99Ms: Number(ms(r.gatewayLatency.p99Ms)),
      redisP50Ms: Number(ms(r.redisLatency.p50Ms)),
      redisP99Ms: Number(ms(r.redisLatency.p99Ms)),
    }),
  )
}

async function main() {
  // Whatever happens, no child outlives us: the dev stack SIGKILLs its children from an 'exit'
  // handler; signals and the watchdog are turned into process.exit so that handler runs.
  process.on('exit', () => runningBenchmark && runningBenchmark.kill('SIGKILL'))
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130))
  setTimeout(() => {
    console.error(`benchmark/gateway.js: gave up after ${OVERALL_TIMEOUT_MS / 1000} s`)
    process.exit(1)
  }, OVERALL_TIMEOUT_MS).unref()

  const stack = await startDevStack()
  try {
    await preload(stack.redisPort)
    const log = (what) => process.stderr.write(`${what}...\n`)
    log('gateway throughput')
    const gateway = await gatewayThroughput(stack)
    log('redis-benchmark')
    const direct = await directThroughput(stack.redisPort)
    log('latency')
    const gatewayLat = await gatewayLatency(stack)
    const redisLat = await redisLatency(stack.redisPort)
    await assertNoMisses(stack.redisPort)
    report({
      gateway,
      direct,
      ratio: gateway.getsPerSec / direct.getsPerSec,
      gatewayLatency: gatewayLat,
      redisLatency: redisLat,
    })
  } finally {
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
