'use strict'
// How much memory the gateway needs to relay one large reply: starts a private redis-server and
// the gateway CLI of the given checkout, stores a value, GETs it once in each reply format, and
// prints the gateway process's peak RSS growth (VmHWM) per format, as a multiple of the value.
//
//   node scripts/reply-memory.js [--mb 60] [--root <checkout>] [-- <extra gateway flags>]
// Linux only (/proc). Used for the numbers in docs/reliability.md.
const { spawn } = require('node:child_process')
const crypto = require('node:crypto')
const fs = require('node:fs')
const http = require('node:http')
const net = require('node:net')
const path = require('node:path')
const IORedis = require('ioredis')

const args = process.argv.slice(2)
const flag = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback)
const MB = Number(flag('--mb', '60'))
const ROOT = path.resolve(flag('--root', path.join(__dirname, '..')))
const EXTRA = args.includes('--') ? args.slice(args.indexOf('--') + 1) : []

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
const status = (pid, field) =>
  Number(new RegExp(`${field}:\\s+(\\d+)`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024

function get(url, token, headers, command) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', headers: { authorization: `Bearer ${token}`, ...headers } },
      (res) => {
        let bytes = 0
        res.on('data', (c) => (bytes += c.length))
        res.on('end', () => resolve({ status: res.statusCode, bytes }))
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(JSON.stringify(command))
  })
}

/** One gateway process per format, so each peak is its own (freed memory is not always returned). */
async function measure(redisPort, name, headers) {
  const token = 'memory-token'
  const gateway = spawn(
    process.execPath,
    [
      path.join(ROOT, 'bin', 'fragment-redis.js'),
      'gateway',
      '--redis',
      `redis://127.0.0.1:${redisPort}`,
      '--port',
      '0',
      ...EXTRA,
    ],
    { env: { ...process.env, FRAGMENT_GATEWAY_TOKEN: token }, stdio: ['ignore', 'pipe', 'inherit'] },
  )
  try {
    const url = await new Promise((resolve, reject) => {
      let out = ''
      gateway.stdout.on('data', (c) => {
        out += c
        const m = /^UPSTASH_REDIS_REST_URL=(\S+)$/m.exec(out)
        if (m) resolve(m[1])
      })
      gateway.on('exit', (code) => reject(new Error(`gateway exited (${code}): ${out}`)))
    })
    await get(url, token, {}, ['PING'])
    const before = status(gateway.pid, 'VmRSS')
    const res = await get(url, token, headers, ['GET', 'big'])
    const peak = status(gateway.pid, 'VmHWM')
    const after = status(gateway.pid, 'VmRSS')
    const mb = (n) => (n / 1024 / 1024).toFixed(0)
    console.log(
      `${name.padEnd(6)} HTTP ${res.status}, ${mb(res.bytes)} MB body: RSS ${mb(before)} MB → peak ${mb(peak)} MB ` +
        `(+${mb(peak - before)} MB = ${((peak - before) / (MB * 1024 * 1024)).toFixed(2)}× the value), ${mb(after)} MB after`,
    )
  } finally {
    gateway.kill('SIGTERM')
  }
}

async function main() {
  const redisPort = await freePort()
  const redis = spawn('redis-server', ['--port', String(redisPort), '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  })
  try {
    await new Promise((r) => setTimeout(r, 300))
    const client = new IORedis({ port: redisPort, lazyConnect: true })
    await client.connect()
    await client.set('big', crypto.randomBytes((MB * 1024 * 1024 * 3) / 4).toString('base64')) // printable
    await client.quit()
    console.log(`${ROOT}: one GET of a ${MB} MB value`)
    await measure(redisPort, 'json', {})
    await measure(redisPort, 'base64', { 'upstash-encoding': 'base64' })
    await measure(redisPort, 'resp2', { 'upstash-response-format': 'resp2' })
  } finally {
    redis.kill('SIGTERM')
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
