'use strict'
// `npm run bench`: the client sweep across network distances (rtt.js), then the gateway, boundary and
// chat-stream benchmarks, each on a private stack; one JSON, a Markdown report and an SVG chart in
// benchmark/results/ (see benchmark/README.md).
//
//   npm run bench                          full run (about 10 minutes on 2 cores)
//   npm run bench -- --smoke               seconds per client: checks the harness, judges nothing
//   npm run bench -- --rtt=0,10 --clients=ours,ioredis-auto --max-in-flight=8 --out=/tmp/b
//   npm run bench -- --skip=stream,boundary
//   npm run bench -- --cpu-prof=/tmp/prof    V8 CPU profile of every client process (profile-summary.js reads them)

const { spawn, execFileSync } = require('node:child_process')
const crypto = require('node:crypto')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { runSweep, CLIENTS, WORKLOADS } = require('./rtt.js')
const { ratios, markdown, writeAll } = require('./report.js')

const SUITES = ['gateway', 'boundary', 'stream', 'https']

const DURATIONS = {
  full: {
    serialMs: 3000, // serial GETs: this much time, at most serialMax samples (2000 at RTT 0, 75 at 40 ms)
    serialMax: 2000,
    webSeconds: 5,
    webWarmupSeconds: 1,
    drainMs: 30_000, // how long the open loop waits for stragglers before it reports them unfinished
    roundSeconds: 3,
    warmupRounds: 5,
    runnerTimeoutMs: 180_000,
  },
  smoke: {
    serialMs: 150,
    serialMax: 200,
    webSeconds: 0.3,
    webWarmupSeconds: 0.1,
    drainMs: 10_000,
    roundSeconds: 0.2,
    warmupRounds: 1,
    runnerTimeoutMs: 60_000,
  },
}

// Knobs for the other suites in a smoke run: just enough to produce their JSON.
const SMOKE_SUITE_ENV = {
  gateway: { BENCH_SECONDS: '1', BENCH_DIRECT_GETS: '200000' },
  https: { BENCH_ROUNDS: '1', BENCH_SERIAL: '50', BENCH_FIRSTS: '2' },
}

function usage(message) {
  console.error(
    `${message}\nusage: node benchmark/index.js [--smoke] [--rtt=0,2,10,40] [--clients=${Object.keys(CLIENTS).join(',')}]`,
  )
  console.error(
    `  [--workloads=${WORKLOADS.join(',')}] [--skip=${SUITES.join(',')}] [--max-in-flight=N] [--rate=2000] [--out=DIR]`,
  )
  process.exit(2)
}

function parseArgs(argv) {
  const args = {
    smoke: false,
    rtts: null,
    clients: Object.keys(CLIENTS),
    workloads: [...WORKLOADS],
    skip: [],
    maxInFlight: undefined,
    rate: 2000,
    out: null,
  }
  const list = (v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
  for (const arg of argv) {
    const [flag, value] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, '']
    if (flag === '--smoke') args.smoke = true
    else if (flag === '--rtt') args.rtts = list(value).map(Number)
    else if (flag === '--clients') args.clients = list(value)
    else if (flag === '--workloads') args.workloads = list(value)
    else if (flag === '--skip') args.skip = list(value)
    else if (flag === '--max-in-flight') args.maxInFlight = Number(value)
    else if (flag === '--rate') args.rate = Number(value)
    else if (flag === '--out') args.out = path.resolve(value)
    else if (flag === '--allow-debug-addon') args.allowDebugAddon = true
    else if (flag === '--cpu-prof') args.cpuProfDir = path.resolve(value || 'benchmark/results/profiles')
    else usage(`unknown argument ${arg}`)
  }
  args.rtts ??= args.smoke ? [0, 2] : [0, 2, 10, 40]
  if (args.rtts.some((r) => !(r >= 0))) usage('--rtt takes non-negative milliseconds')
  for (const c of args.clients) if (!CLIENTS[c]) usage(`unknown client ${c}`)
  for (const w of args.workloads) if (!WORKLOADS.includes(w)) usage(`unknown workload ${w}`)
  for (const s of args.skip) if (!SUITES.includes(s)) usage(`unknown suite ${s}`)
  if (args.maxInFlight !== undefined && !(Number.isInteger(args.maxInFlight) && args.maxInFlight > 0))
    usage('--max-in-flight takes a positive integer')
  if (!(args.rate > 0)) usage('--rate takes requests per second')
  args.out ??= path.join(__dirname, 'results', args.smoke ? 'smoke' : '')
  return args
}

function versionOf(cmd, argv) {
  try {
    return execFileSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .trim()
      .split('\n')[0]
  } catch {
    return null
  }
}

// A debug addon runs many times slower, and `npm run build:debug` (what the test workflow uses)
// leaves one in place that scripts/prepare.js will not replace: say which build is measured.
const DEBUG_ADDON = path.join(__dirname, '..', 'target', 'debug', 'libfragment_redis_native.so')
const DEBUG_SIZE_BYTES = 30 * 2 ** 20 // release builds are stripped and a few MB; debug ones tens of MB

function addon() {
  require('../lib/native.js')
  const file = Object.keys(require.cache).find((f) => f.endsWith('.node'))
  if (!file) return { path: null, build: 'unknown' }
  const bytes = fs.statSync(file).size
  const sha256 = (f) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex')
  const sameAsDebug =
    fs.existsSync(DEBUG_ADDON) && fs.statSync(DEBUG_ADDON).size === bytes && sha256(DEBUG_ADDON) === sha256(file)
  return {
    path: path.relative(path.join(__dirname, '..'), file),
    bytes,
    sha256: sha256(file).slice(0, 16),
    build: sameAsDebug || bytes > DEBUG_SIZE_BYTES ? 'debug' : 'release',
  }
}

function machine() {
  const cpus = os.cpus()
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model?.trim() ?? 'unknown',
    memoryGB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    rustc: versionOf('rustc', ['-V']),
    redis: versionOf('redis-server', ['--version'])?.split(' sha=')[0] ?? null,
    loadavgAtStart: os.loadavg().map((x) => Number(x.toFixed(2))),
    addon: addon(),
  }
}

/** Runs benchmark/<suite>.js, echoing its output; resolves the JSON object of its last JSON line. */
function runSuite(suite, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, `${suite}.js`)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...env },
    })
    let stdout = ''
    child.stdout.on('data', (chunk) => {
      stdout += chunk
      process.stdout.write(chunk)
    })
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      if (code !== 0) return reject(new Error(`benchmark/${suite}.js exited (${signal || code})`))
      const line = stdout
        .trim()
        .split('\n')
        .reverse()
        .find((l) => l.startsWith('{'))
      try {
        resolve(JSON.parse(line))
      } catch {
        reject(new Error(`benchmark/${suite}.js printed no JSON line`))
      }
    })
  })
}

async function main() {
  const args = parseArgs(process.argv.slice(2))
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130))
  const log = (line) => process.stderr.write(`${line}\n`)
  const startedAt = new Date().toISOString()
  const host = machine()
  if (host.addon.build === 'debug' && !args.smoke && !args.allowDebugAddon) {
    console.error(
      `benchmark: ${host.addon.path} is a debug build (${(host.addon.bytes / 2 ** 20).toFixed(0)} MB); its numbers would ` +
        'say nothing. Build the release addon (npm run build) or pass --allow-debug-addon.',
    )
    process.exit(2)
  }
  const results = {
    schema: 1,
    benchmark: 'rtt',
    startedAt,
    finishedAt: null,
    smoke: args.smoke,
    machine: host,
    config: {
      rtts: args.rtts,
      clients: args.clients,
      workloads: args.workloads,
      webRate: args.rate,
      maxInFlight: args.maxInFlight ?? null,
      durations: args.smoke ? DURATIONS.smoke : DURATIONS.full,
      burstSize: 1000,
      mix: '80% GET / 20% SET',
      valueBytes: { small: 100, large: 4096 },
    },
    sweep: null,
    suites: {},
    ratios: [],
  }
  results.sweep = await runSweep({
    rtts: args.rtts,
    clients: args.clients,
    workloads: args.workloads,
    durations: results.config.durations,
    webRate: args.rate,
    maxInFlight: args.maxInFlight,
    smoke: args.smoke,
    cpuProfDir: args.cpuProfDir,
    log,
  })
  const suites = args.smoke ? ['gateway', 'https'] : SUITES
  for (const suite of suites.filter((s) => !args.skip.includes(s))) {
    log(`\n=== benchmark/${suite}.js ===`)
    results.suites[suite] = await runSuite(suite, args.smoke ? SMOKE_SUITE_ENV[suite] : {})
  }
  results.finishedAt = new Date().toISOString()
  results.ratios = ratios(results)
  const files = writeAll(results, args.out)
  console.log(`\n${markdown(results)}`)
  console.log(`results: ${files.run}\nreport:  ${files.markdown}\nchart:   ${files.chart}`)
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error)
    process.exit(1)
  },
)
