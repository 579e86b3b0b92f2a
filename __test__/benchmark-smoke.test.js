'use strict'

// `npm run bench -- --smoke`: the benchmark harness runs end to end (its own stack, the delay proxy,
// every client in its own process, redis-benchmark, the gateway suite) and writes results of the
// expected shape. Nothing here is timed: speed goals are judged from full runs, not by a test.

const { spawn } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const ROOT = path.join(__dirname, '..')
const CLIENTS = ['ours', 'upstash', 'upstash-raw', 'ioredis', 'ioredis-auto']
const WORKLOADS = ['serial', 'web', 'burst-small', 'burst-large', 'pipeline']
const RUN_TIMEOUT_MS = 150_000

function runSmoke(out) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'benchmark', 'index.js'), '--smoke', `--out=${out}`], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (c) => (output += c))
    child.stderr.on('data', (c) => (output += c))
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS)
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, output })
    })
  })
}

const isNumber = (x) => typeof x === 'number' && Number.isFinite(x)

function expectLatency(latency) {
  expect(latency.samples).toBeGreaterThan(0)
  for (const p of ['p50Ms', 'p90Ms', 'p99Ms', 'maxMs']) {
    expect(isNumber(latency[p])).toBe(true)
    expect(latency[p]).toBeGreaterThanOrEqual(0)
  }
  expect(latency.p50Ms).toBeLessThanOrEqual(latency.p99Ms)
}

describe('npm run bench -- --smoke', () => {
  let dir
  let run
  let results

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-smoke-'))
    run = await runSmoke(dir)
    const latest = path.join(dir, 'latest.json')
    if (fs.existsSync(latest)) results = JSON.parse(fs.readFileSync(latest, 'utf8'))
  }, RUN_TIMEOUT_MS + 10_000)

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  test('exits 0 and writes the JSON, the Markdown report and the chart', () => {
    if (run.code !== 0) throw new Error(`exit ${run.signal || run.code}:\n${run.output.slice(-4000)}`)
    const files = fs.readdirSync(dir)
    expect(files).toEqual(expect.arrayContaining(['latest.json', 'latest.md', 'web-p50-vs-rtt.svg']))
    expect(files.some((f) => /^rtt-.*\.json$/.test(f))).toBe(true)
  })

  test('records the machine and the configuration', () => {
    expect(results).toMatchObject({ schema: 1, benchmark: 'rtt', smoke: true })
    expect(results.machine.cpus).toBeGreaterThan(0)
    expect(results.machine.node).toBe(process.version)
    expect(results.machine).toHaveProperty('rustc')
    expect(['release', 'debug']).toContain(results.machine.addon.build)
    expect(results.machine.addon.path).toMatch(/\.node$/)
    expect(Date.parse(results.finishedAt)).toBeGreaterThanOrEqual(Date.parse(results.startedAt))
    expect(results.config.rtts.length).toBeGreaterThan(0)
    expect(results.config.clients).toEqual(CLIENTS)
  })

  test('has every client at every RTT with every workload and its metrics', () => {
    const { runs } = results.sweep
    expect(runs).toHaveLength(results.config.rtts.length * CLIENTS.length)
    for (const rttMs of results.config.rtts) {
      for (const client of CLIENTS) {
        const r = runs.find((x) => x.client === client && x.rttMs === rttMs)
        expect(r).toBeDefined()
        expect(Object.keys(r.workloads).sort()).toEqual([...WORKLOADS].sort())
        for (const name of WORKLOADS) {
          const w = r.workloads[name]
          expect(w.ops).toBeGreaterThan(0)
          expect(w.opsPerSec).toBeGreaterThan(0)
          expect(isNumber(w.cpuMicrosPerOp)).toBe(true)
          expect(w.cpuMicrosPerOp).toBeGreaterThan(0)
          expect(w.peakRssMB).toBeGreaterThan(0)
          expectLatency(w.latency)
        }
        expect(r.workloads.web).toMatchObject({ targetRate: results.config.webRate, unfinished: 0 })
        expect(r.workloads.web.achievedRate).toBeGreaterThan(0)
        expect(r.workloads['burst-small'].concurrency).toBe(1000)
        // The proxy reports how late it delivered: at RTT 0 it forwards at once.
        expect(isNumber(r.proxyLateness.meanMs)).toBe(true)
        if (rttMs > 0) expect(r.proxyLateness.chunks).toBeGreaterThan(0)
      }
    }
  })

  test('has the server ceiling and the gateway ratio', () => {
    expect(results.sweep.ceiling.serial.rps).toBeGreaterThan(0)
    expect(results.sweep.ceiling.pipelined.rps).toBeGreaterThan(0)
    expect(results.suites.gateway.ratio).toBeGreaterThan(0)
  })

  test('has HTTPS next to HTTP: the same three measures for each, and the report says them', () => {
    const rows = results.suites.https.results
    expect(rows.map((r) => r.label)).toEqual(['http', 'https'])
    for (const r of rows) {
      for (const field of ['firstP50Ms', 'serialP50Ms', 'serialP99Ms', 'burstGetsPerSec']) {
        expect(isNumber(r[field])).toBe(true)
        expect(r[field]).toBeGreaterThan(0)
      }
    }
    expect(fs.readFileSync(path.join(dir, 'latest.md'), 'utf8')).toMatch(/HTTPS next to HTTP/)
  })

  test('computes a ratio for every target of issue 9', () => {
    const names = results.ratios.map((r) => r.name)
    expect(names).toEqual(
      expect.arrayContaining([
        'burst-vs-upstash-raw@0',
        'burst-vs-ioredis-auto@0',
        'serial-p50-vs-upstash@0',
        'cpuMicrosPerOp-vs-ioredis@0',
        'peakRssMB-vs-ioredis@0',
        'gateway-vs-redis-benchmark',
        ...results.config.rtts.map((r) => `web-p50-vs-upstash@${r}`),
      ]),
    )
    for (const r of results.ratios) {
      expect(isNumber(r.value)).toBe(true)
      expect(typeof r.met).toBe('boolean')
      expect(['<=', '>=']).toContain(r.op)
    }
  })

  test('the report has the tables and the chart one line per client plus the ideal', () => {
    const md = fs.readFileSync(path.join(dir, 'latest.md'), 'utf8')
    expect(md).toContain('3-step web request')
    expect(md).toContain('| ideal (3·RTT) |')
    const svg = fs.readFileSync(path.join(dir, 'web-p50-vs-rtt.svg'), 'utf8')
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
    expect(svg.trim().endsWith('</svg>')).toBe(true)
    expect(svg.match(/<polyline /g)).toHaveLength(CLIENTS.length + 1)
    expect(svg).toContain('ideal (3·RTT)')
  })
})
