'use strict'
// Results of one `npm run bench` → the issue's target ratios, a Markdown report and an SVG chart
// (hand-written: no plotting dependency). Pure functions of the results object, so a saved JSON can
// be re-rendered: `node benchmark/report.js benchmark/results/latest.json`.

const fs = require('node:fs')
const path = require('node:path')
const { CLIENTS } = require('./rtt.js')

const find = (results, client, rttMs) => results.sweep.runs.find((r) => r.client === client && r.rttMs === rttMs)
const workload = (results, client, rttMs, name) => find(results, client, rttMs)?.workloads?.[name] ?? null

/** The lower (better) of several peers' numbers, with which peer it was. */
function best(results, clients, rttMs, pick) {
  let found = null
  for (const client of clients) {
    const value = pick(client, rttMs)
    if (value != null && (found === null || value < found.value)) found = { client, value }
  }
  return found
}
function ratio(name, target, value, goal, op, detail) {
  const met = value == null || !Number.isFinite(value) ? null : op === '<=' ? value <= goal : value >= goal
  return { name, target, value: value == null ? null : Number(value.toFixed(3)), goal, op, met, detail }
}

/** Every target of issue 9, as ratios from this one run (null where a needed client did not run). */
function ratios(results) {
  const out = []
  const rtts = [...new Set(results.sweep.runs.map((r) => r.rttMs))].sort((a, b) => a - b)
  const p50 = (client, rttMs, name) => workload(results, client, rttMs, name)?.latency?.p50Ms ?? null
  const ops = (client, rttMs, name) => workload(results, client, rttMs, name)?.opsPerSec ?? null
  const upstashes = ['upstash', 'upstash-raw']
  const ioredises = ['ioredis', 'ioredis-auto']

  for (const rttMs of rtts.filter((r) => r >= 10)) {
    const ours = p50('ours', rttMs, 'web')
    out.push(
      ratio(
        `web-p50-vs-ideal@${rttMs}`,
        `3-step p50 at RTT ${rttMs} ms / 3·RTT`,
        ours == null ? null : ours / (3 * rttMs),
        1.15,
        '<=',
        ours == null ? null : `${ours} ms vs ${3 * rttMs} ms`,
      ),
    )
  }
  for (const rttMs of rtts) {
    const ours = p50('ours', rttMs, 'web')
    const peer = best(results, upstashes, rttMs, (c, r) => p50(c, r, 'web'))
    out.push(
      ratio(
        `web-p50-vs-upstash@${rttMs}`,
        `3-step p50 at RTT ${rttMs} ms / @upstash/redis (faster of its two settings)`,
        ours == null || !peer ? null : ours / peer.value,
        1,
        '<=',
        peer && `${ours} ms vs ${peer.value} ms (${peer.client})`,
      ),
    )
  }
  const burst = ops('ours', 0, 'burst-small')
  for (const [peer, goal, label] of [
    ['upstash-raw', 3, '@upstash/redis automaticDeserialization: false'],
    ['ioredis-auto', 1, 'ioredis enableAutoPipelining'],
  ]) {
    const theirs = ops(peer, 0, 'burst-small')
    out.push(
      ratio(
        `burst-vs-${peer}@0`,
        `burst of 1000 (100 B) ops/s at RTT 0 / ${label}`,
        burst == null || theirs == null ? null : burst / theirs,
        goal,
        '>=',
        theirs == null ? null : `${burst} vs ${theirs} ops/s`,
      ),
    )
  }
  {
    const ours = p50('ours', 0, 'serial')
    const peer = best(results, upstashes, 0, (c, r) => p50(c, r, 'serial'))
    out.push(
      ratio(
        'serial-p50-vs-upstash@0',
        'serial GET p50 at RTT 0 / @upstash/redis (faster of its two settings)',
        ours == null || !peer ? null : ours / peer.value,
        0.5,
        '<=',
        peer && `${ours} ms vs ${peer.value} ms (${peer.client})`,
      ),
    )
  }
  for (const [metric, label, unit] of [
    ['cpuMicrosPerOp', 'client CPU per op', 'µs'],
    ['peakRssMB', 'client peak RSS', 'MB'],
  ]) {
    const of = (client) => workload(results, client, 0, 'burst-small')?.[metric] ?? null
    const ours = of('ours')
    const peer = best(results, ioredises, 0, (c) => of(c))
    out.push(
      ratio(
        `${metric}-vs-ioredis@0`,
        `${label}, burst of 1000 at RTT 0 / ioredis (lower of its two settings)`,
        ours == null || !peer ? null : ours / peer.value,
        1,
        '<=',
        peer && `${ours} vs ${peer.value} ${unit} (${peer.client})`,
      ),
    )
  }
  const gateway = results.suites?.gateway
  out.push(
    ratio(
      'gateway-vs-redis-benchmark',
      'gateway POST /pipeline of 100 GETs / redis-benchmark -P 100 (benchmark/gateway.js)',
      gateway?.ratio ?? null,
      0.3,
      '>=',
      gateway && `${gateway.gatewayGetsPerSec} vs ${gateway.directGetsPerSec} GET/s`,
    ),
  )
  return out
}

// --- Markdown -----------------------------------------------------------------------------------------

const fmt = {
  ms: (x) => (x == null ? '–' : x < 10 ? x.toFixed(2) : x.toFixed(1)),
  int: (x) => (x == null ? '–' : Math.round(x).toLocaleString('en-US')),
  k: (x) =>
    x == null
      ? '–'
      : x >= 1e6
        ? `${(x / 1e6).toFixed(2)}M`
        : x >= 1e4
          ? `${Math.round(x / 1e3)}k`
          : String(Math.round(x)),
}

function mdTable(header, rows) {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n')
}

function clientsIn(results) {
  return Object.keys(CLIENTS).filter((c) => results.sweep.runs.some((r) => r.client === c))
}
function rttsIn(results) {
  return [...new Set(results.sweep.runs.map((r) => r.rttMs))].sort((a, b) => a - b)
}
const labelOf = (results, client) => {
  const run = results.sweep.runs.find((r) => r.client === client)
  return run?.maxInFlight ? `${CLIENTS[client].label} (maxInFlight ${run.maxInFlight})` : CLIENTS[client].label
}

function contention(results) {
  const loads = results.sweep.runs.flatMap((r) => [r.loadavg1.before, r.loadavg1.after])
  const max = Math.max(...loads)
  const cores = results.machine.cpus
  return { min: Math.min(...loads), max, contended: max > cores * 0.75 }
}

function markdown(results) {
  const rtts = rttsIn(results)
  const clients = clientsIn(results)
  const m = results.machine
  const load = contention(results)
  const lines = []
  lines.push(
    `Run ${results.startedAt}${results.smoke ? ' (**smoke run**: durations far too short to judge anything)' : ''}: ` +
      `${m.cpus} × ${m.cpuModel}, Node ${m.node}, ${m.rustc ?? 'rustc unknown'}, ${m.redis ?? 'redis-server unknown'}, ` +
      `${m.addon?.build ?? 'unknown'} addon ${m.addon?.sha256 ?? ''}. ` +
      `1-minute load average during the run ${load.min.toFixed(1)}–${load.max.toFixed(1)}` +
      (load.contended ? ` on ${m.cpus} cores: **measured under contention** (other work shared the cores).` : '.'),
  )
  lines.push('')
  lines.push(
    `**3-step web request** (open loop at ${results.config.webRate} req/s: \`GET session\`; then \`GET cache\` + \`INCR\` together; then \`SET\`), ` +
      `p50 / p99 ms and achieved req/s, through the delay proxy:`,
  )
  lines.push('')
  const web = (client, rttMs) => workload(results, client, rttMs, 'web')
  lines.push(
    mdTable(
      ['client', ...rtts.map((r) => `RTT ${r} ms`)],
      [
        ...clients.map((c) => [
          labelOf(results, c),
          ...rtts.map((r) => {
            const w = web(c, r)
            return w ? `${fmt.ms(w.latency.p50Ms)} / ${fmt.ms(w.latency.p99Ms)} (${fmt.int(w.achievedRate)}/s)` : '–'
          }),
        ]),
        ['ideal (3·RTT)', ...rtts.map((r) => String(3 * r))],
      ],
    ),
  )
  const lateness = rtts.map((r) => {
    const runs = results.sweep.runs.filter((x) => x.rttMs === r && x.proxyLateness)
    return Math.max(0, ...runs.map((x) => x.proxyLateness.meanMs))
  })
  lines.push('')
  lines.push(
    `Proxy lateness (mean, per direction, worst client): ${rtts.map((r, i) => `${r} ms → +${lateness[i].toFixed(2)} ms`).join(', ')}.`,
  )
  for (const rttMs of rtts) {
    lines.push('')
    lines.push(
      `**RTT ${rttMs} ms**: serial GET; bursts of 1000 concurrent commands and explicit pipelines of 1000 (80% GET / 20% SET).`,
    )
    lines.push('')
    const rows = clients.map((c) => {
      const w = (name) => workload(results, c, rttMs, name)
      return [
        labelOf(results, c),
        w('serial') ? `${fmt.ms(w('serial').latency.p50Ms)} / ${fmt.ms(w('serial').latency.p99Ms)}` : '–',
        fmt.k(w('burst-small')?.opsPerSec),
        fmt.k(w('burst-large')?.opsPerSec),
        fmt.k(w('pipeline')?.opsPerSec),
        w('burst-small') ? w('burst-small').cpuMicrosPerOp.toFixed(2) : '–',
        w('burst-small') ? w('burst-small').peakRssMB.toFixed(0) : '–',
      ]
    })
    lines.push(
      mdTable(
        [
          'client',
          'serial GET p50 / p99 ms',
          'burst ops/s (100 B)',
          'burst ops/s (4 KB)',
          'pipeline ops/s',
          'CPU µs/op (burst 100 B)',
          'peak RSS MB',
        ],
        rows,
      ),
    )
  }
  const c = results.sweep.ceiling
  if (c) {
    lines.push('')
    lines.push(
      `Server ceiling (redis-benchmark straight at redis-server, no proxy): serial GET ${fmt.int(c.serial.rps)}/s` +
        `${c.serial.p50Ms != null ? ` (p50 ${c.serial.p50Ms} ms)` : ''}; \`-c 8 -P 100\` GET ${fmt.int(c.pipelined.rps)}/s.`,
    )
  }
  const stream = results.suites?.stream
  if (stream) {
    const row = (scenario, n) => stream.results.find((r) => r.scenario === scenario && r.consumers === n)
    const [ours, peer] = [...new Set(stream.results.map((r) => r.scenario))]
    lines.push('')
    lines.push(
      `Chat-stream fan-out (benchmark/stream.js, RTT 0, no proxy): append → reader p50 / p99 ` +
        `${fmt.ms(row(ours, 1)?.p50)} / ${fmt.ms(row(ours, 1)?.p99)} ms (1 reader), ` +
        `${peer} ${fmt.ms(row(peer, 1)?.p50)} / ${fmt.ms(row(peer, 1)?.p99)} ms; streamed-producer throughput vs ioredis pub/sub ` +
        `${stream.ratios.throughputVsIoredis1.toFixed(2)}× (1 reader), ${stream.ratios.throughputVsIoredis20.toFixed(2)}× (20 readers).`,
    )
  }
  const https = results.suites?.https
  if (https) {
    const [plain, tls] = https.results
    lines.push('')
    lines.push(
      `HTTPS next to HTTP (benchmark/https.js, RTT 0, our client, one gateway each): first GET of a new client ` +
        `${fmt.ms(plain.firstP50Ms)} vs ${fmt.ms(tls.firstP50Ms)} ms (TLS handshake); serial GET p50 ` +
        `${fmt.ms(plain.serialP50Ms)} vs ${fmt.ms(tls.serialP50Ms)} ms; burst of 1000 ${plain.burstGetsPerSec} vs ` +
        `${tls.burstGetsPerSec} GETs/s (${https.ratios.burstHttpsVsHttp.toFixed(2)}×).`,
    )
  }
  const boundary = results.suites?.boundary
  if (boundary) {
    lines.push('')
    lines.push(
      `JS ↔ Rust boundary (benchmark/boundary.js, RTT 0): ` +
        boundary.results
          .map((r) => `${r.name}: ${r.jsMicrosPerCommand.toFixed(2)} µs JS-thread time per command`)
          .join('; ') +
        '.',
    )
  }
  lines.push('')
  lines.push('**Targets** (issue 9, ratios from this run):')
  lines.push('')
  lines.push(
    mdTable(
      ['target', 'ratio', 'goal', 'met', 'numbers'],
      results.ratios.map((r) => [
        r.target,
        r.value == null ? '–' : r.value.toFixed(2),
        `${r.op === '<=' ? '≤' : '≥'} ${r.goal}`,
        r.met == null ? 'not measured' : r.met ? 'yes' : '**no**',
        r.detail ?? '',
      ]),
    ),
  )
  return lines.join('\n') + '\n'
}

// --- SVG ------------------------------------------------------------------------------------------------

const COLORS = {
  ours: '#d62728',
  upstash: '#1f77b4',
  'upstash-raw': '#17becf',
  ioredis: '#7f7f7f',
  'ioredis-auto': '#2ca02c',
}
const escapeXml = (s) =>
  String(s).replace(/[<>&"]/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[ch])

/** Nice round tick step for a 0..max axis. */
function tickStep(max, target = 6) {
  const raw = max / target
  const pow = 10 ** Math.floor(Math.log10(raw))
  return [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw)
}

/** 3-step p50 latency vs RTT per client, with the ideal 3·RTT line. x is on a square-root scale. */
function svg(results) {
  const rtts = rttsIn(results)
  const clients = clientsIn(results)
  const W = 760
  const H = 440
  const margin = { left: 64, right: 24, top: 48, bottom: 56 }
  const plotW = W - margin.left - margin.right
  const plotH = H - margin.top - margin.bottom
  const maxRtt = Math.max(...rtts, 1)
  const values = results.sweep.runs.map((r) => r.workloads.web?.latency?.p50Ms).filter((v) => v != null)
  const maxY = Math.max(3 * maxRtt, ...values) * 1.05
  const step = tickStep(maxY)
  const top = Math.ceil(maxY / step) * step
  const x = (rtt) => margin.left + (Math.sqrt(rtt) / Math.sqrt(maxRtt)) * plotW
  const y = (ms) => margin.top + plotH - (ms / top) * plotH
  const out = []
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
  )
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`)
  out.push(
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">3-step web request, p50 latency vs RTT (${results.config.webRate} req/s open loop${results.smoke ? ', SMOKE RUN' : ''})</text>`,
  )
  for (let v = 0; v <= top + 1e-9; v += step) {
    out.push(
      `<line x1="${margin.left}" x2="${W - margin.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e5e5e5"/>`,
    )
    out.push(
      `<text x="${margin.left - 8}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${Number(v.toFixed(3))}</text>`,
    )
  }
  for (const r of rtts) {
    out.push(
      `<line x1="${x(r).toFixed(1)}" x2="${x(r).toFixed(1)}" y1="${margin.top}" y2="${margin.top + plotH}" stroke="#e5e5e5"/>`,
    )
    out.push(`<text x="${x(r).toFixed(1)}" y="${margin.top + plotH + 18}" text-anchor="middle">${r}</text>`)
  }
  out.push(
    `<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#444"/>`,
    `<text x="${margin.left + plotW / 2}" y="${H - 14}" text-anchor="middle">RTT added by the delay proxy, ms (square-root scale)</text>`,
    `<text transform="translate(16 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">p50 latency of the whole request, ms</text>`,
  )
  // The ideal: three round trips, nothing else (a curve on the square-root x axis).
  const ideal = []
  for (let i = 0; i <= 40; i++) {
    const r = (maxRtt * i) / 40
    ideal.push(`${x(r).toFixed(1)},${y(3 * r).toFixed(1)}`)
  }
  out.push(
    `<polyline points="${ideal.join(' ')}" fill="none" stroke="#000" stroke-width="1.5" stroke-dasharray="6 4"/>`,
  )
  const legend = [...clients.map((c) => [labelOf(results, c), COLORS[c], false]), ['ideal (3·RTT)', '#000', true]]
  for (const client of clients) {
    const points = rtts
      .map((r) => [r, workload(results, client, r, 'web')?.latency?.p50Ms])
      .filter(([, v]) => v != null)
      .map(([r, v]) => [x(r), y(v)])
    out.push(
      `<polyline points="${points.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(' ')}" fill="none" stroke="${COLORS[client]}" stroke-width="2"/>`,
    )
    for (const [a, b] of points)
      out.push(`<circle cx="${a.toFixed(1)}" cy="${b.toFixed(1)}" r="3.5" fill="${COLORS[client]}"/>`)
  }
  legend.forEach(([label, color, dashed], i) => {
    const ly = margin.top + 14 + i * 18
    const lx = margin.left + 14
    out.push(
      `<line x1="${lx}" x2="${lx + 24}" y1="${ly - 4}" y2="${ly - 4}" stroke="${color}" stroke-width="2"${dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      `<text x="${lx + 30}" y="${ly}">${escapeXml(label)}</text>`,
    )
  })
  out.push('</svg>')
  return out.join('\n') + '\n'
}

/** Writes <stamp>.json, latest.json, latest.md and web-p50-vs-rtt.svg into `dir`; returns the paths. */
function writeAll(results, dir) {
  fs.mkdirSync(dir, { recursive: true })
  const stamp = results.startedAt.replace(/[:.]/g, '-')
  const json = JSON.stringify(results, null, 2) + '\n'
  const files = {
    run: path.join(dir, `rtt-${stamp}.json`),
    latest: path.join(dir, 'latest.json'),
    markdown: path.join(dir, 'latest.md'),
    chart: path.join(dir, 'web-p50-vs-rtt.svg'),
  }
  fs.writeFileSync(files.run, json)
  fs.writeFileSync(files.latest, json)
  fs.writeFileSync(files.markdown, markdown(results))
  fs.writeFileSync(files.chart, svg(results))
  return files
}

if (require.main === module) {
  const file = process.argv[2] || path.join(__dirname, 'results', 'latest.json')
  const results = JSON.parse(fs.readFileSync(file, 'utf8'))
  results.ratios = ratios(results)
  const files = writeAll(results, path.dirname(file))
  console.log(markdown(results))
  console.log(`wrote ${Object.values(files).join(', ')}`)
}

module.exports = { ratios, markdown, svg, writeAll }
