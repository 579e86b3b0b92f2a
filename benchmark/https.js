'use strict'

// HTTPS next to HTTP: the same client, the same redis-server, one gateway over plain HTTP and one
// serving TLS (a certificate made here with openssl, trusted through the client's `tls: { ca }`).
// Real Upstash is HTTPS only, so this is what the handshake and encryption add to the numbers the
// other suites take over HTTP:
//   first      a new client's first GET (TCP + TLS handshake + one round trip)
//   serial     GET after GET on a warm connection (p50 / p99)
//   burst      1000 GETs issued together (auto-pipelined), GETs/s
// Prints a table and a final JSON line (benchmark/index.js reads it).
//
//   node benchmark/https.js
//   BENCH_ROUNDS=3 node benchmark/https.js

const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const Redis = require('..')
const { startDevStack } = require('../lib/dev-stack')
const { startGateway } = require('../lib/gateway')

const ROUNDS = Number(process.env.BENCH_ROUNDS) || 20
const SERIAL = Number(process.env.BENCH_SERIAL) || 2000
const FIRSTS = Number(process.env.BENCH_FIRSTS) || 20
const BURST = 1000

const nowMs = () => Number(process.hrtime.bigint()) / 1e6
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]

/** A CA and a certificate for 127.0.0.1 signed by it, in a temporary directory. */
function makeCertificates() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-tls-'))
  const openssl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=bench-ca',
  )
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'host.key', '-out', 'host.csr', '-subj', '/CN=127.0.0.1')
  fs.writeFileSync(path.join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\n')
  openssl(
    ...['x509', '-req', '-in', 'host.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial'],
    ...['-out', 'host.pem', '-days', '2', '-extfile', 'ext.cnf'],
  )
  return {
    dir,
    ca: fs.readFileSync(path.join(dir, 'ca.pem')),
    cert: path.join(dir, 'host.pem'),
    key: path.join(dir, 'host.key'),
  }
}

async function measure(label, options) {
  const firsts = []
  for (let i = 0; i < FIRSTS; i++) {
    const client = new Redis(options)
    const start = nowMs()
    await client.get('bench:https:k')
    firsts.push(nowMs() - start)
    await client.quit()
  }
  const client = new Redis(options)
  await client.set('bench:https:k', 'x'.repeat(100))
  for (let i = 0; i < 200; i++) await client.get('bench:https:k') // warm-up
  const serial = []
  for (let i = 0; i < SERIAL; i++) {
    const start = nowMs()
    await client.get('bench:https:k')
    serial.push(nowMs() - start)
  }
  let best = 0
  for (let round = 0; round < ROUNDS; round++) {
    const start = nowMs()
    await Promise.all(Array.from({ length: BURST }, () => client.get('bench:https:k')))
    best = Math.max(best, BURST / ((nowMs() - start) / 1000))
  }
  await client.quit()
  firsts.sort((a, b) => a - b)
  serial.sort((a, b) => a - b)
  return {
    label,
    firstP50Ms: percentile(firsts, 50),
    serialP50Ms: percentile(serial, 50),
    serialP99Ms: percentile(serial, 99),
    burstGetsPerSec: Math.round(best),
  }
}

async function main() {
  const stack = await startDevStack()
  const certs = makeCertificates()
  const tls = await startGateway({
    redis: stack.redisUrl,
    port: 0,
    token: stack.token,
    tlsCert: certs.cert,
    tlsKey: certs.key,
  })
  try {
    const http = await measure('http', { url: stack.url, token: stack.token })
    const https = await measure('https', { url: tls.url, token: stack.token, tls: { ca: certs.ca } })
    const fmt = (n) => n.toFixed(3)
    console.log('transport | first GET p50 (ms) | serial GET p50 / p99 (ms) | burst of 1000 (GETs/s)')
    for (const r of [http, https]) {
      console.log(
        `${r.label.padEnd(9)} | ${fmt(r.firstP50Ms)} | ${fmt(r.serialP50Ms)} / ${fmt(r.serialP99Ms)} | ${r.burstGetsPerSec}`,
      )
    }
    const result = {
      suite: 'https',
      results: [http, https],
      ratios: {
        serialP50HttpsVsHttp: https.serialP50Ms / http.serialP50Ms,
        burstHttpsVsHttp: https.burstGetsPerSec / http.burstGetsPerSec,
        firstHttpsVsHttp: https.firstP50Ms / http.firstP50Ms,
      },
    }
    console.log(JSON.stringify(result))
  } finally {
    await tls.close()
    await stack.stop()
    fs.rmSync(certs.dir, { recursive: true, force: true })
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
