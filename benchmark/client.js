'use strict'
// Client benchmark: this package vs @upstash/redis (same gateway) vs ioredis (TCP, auto-pipelining),
// all against one private redis-server started for the run. Prints ratios, not absolute claims:
// the machine is shared, so only numbers measured side by side mean anything.
const path = require('node:path')
const IORedis = require('ioredis')
const { Redis: UpstashRedis } = require('@upstash/redis')
const Redis = require('..')
const { startDevStack } = require('../lib/dev-stack.js')
const { percentile, table, timeAsync } = require('./support.js')

const KEYS = 1000
const VALUE = 'v'.repeat(100)
const BURST = 1000
const BURST_SECONDS = 3
const SERIAL = 2000

/** One burst: 1000 commands issued at once, 80% GET / 20% SET of random keys. */
function burst(client, round) {
  const commands = new Array(BURST)
  for (let i = 0; i < BURST; i++) {
    const key = `bench:c:${(i * 7919 + round * 104729) % KEYS}`
    commands[i] = i % 5 === 0 ? client.set(key, VALUE) : client.get(key)
  }
  return Promise.all(commands)
}

async function burstThroughput(client) {
  for (let round = 0; round < 5; round++) await burst(client, round) // warm-up: pools, JIT
  let commands = 0
  const seconds = await timeAsync(async () => {
    const deadline = Date.now() + BURST_SECONDS * 1000
    for (let round = 0; Date.now() < deadline; round++) {
      await burst(client, round)
      commands += BURST
    }
  })
  return commands / seconds
}

async function serialLatency(client) {
  for (let i = 0; i < 100; i++) await client.get('bench:c:1')
  const samples = new Float64Array(SERIAL)
  for (let i = 0; i < SERIAL; i++) {
    const start = process.hrtime.bigint()
    await client.get(`bench:c:${i % KEYS}`)
    samples[i] = Number(process.hrtime.bigint() - start) / 1e3
  }
  samples.sort()
  return { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99) }
}

async function measure(name, client) {
  const throughput = await burstThroughput(client)
  const latency = await serialLatency(client)
  return { name, throughput, ...latency }
}

async function main() {
  const stack = await startDevStack()
  const clients = []
  try {
    const ioredis = new IORedis(stack.redisUrl, { enableAutoPipelining: true })
    const seed = ioredis.pipeline()
    for (let i = 0; i < KEYS; i++) seed.set(`bench:c:${i}`, VALUE)
    await seed.exec()
    const ours = new Redis({ url: stack.url, token: stack.token })
    const oursResp2 = new Redis({ url: stack.url, token: stack.token, responseEncoding: 'resp2' })
    const upstash = new UpstashRedis({ url: stack.url, token: stack.token, enableTelemetry: false })
    clients.push(ours, oursResp2, ioredis)

    const results = []
    results.push(await measure('@fragment/redis-native (base64 JSON)', ours))
    results.push(await measure('@fragment/redis-native (resp2)', oursResp2))
    results.push(await measure('@upstash/redis (defaults)', upstash))
    results.push(await measure('ioredis (TCP, autopipelining)', ioredis))
    report(results)
  } finally {
    await Promise.allSettled(clients.map((c) => c.quit()))
    await stack.stop()
  }
}

function report(results) {
  const [ours, , upstash, ioredis] = results
  console.log(
    `\nClient benchmark: ${BURST} concurrent commands (80% GET / 20% SET, 100-byte values) for ${BURST_SECONDS}s; ${SERIAL} serial GETs`,
  )
  console.log(
    table(
      ['client', 'burst ops/s', 'serial p50 µs', 'serial p99 µs'],
      results.map((r) => [r.name, Math.round(r.throughput), r.p50.toFixed(0), r.p99.toFixed(0)]),
    ),
  )
  const ratios = {
    burstVsUpstash: ours.throughput / upstash.throughput,
    burstVsIoredis: ours.throughput / ioredis.throughput,
    serialP50VsUpstash: ours.p50 / upstash.p50,
  }
  console.log(`\nburst throughput vs @upstash/redis: ${ratios.burstVsUpstash.toFixed(2)}× (goal ≥ 5)`)
  console.log(`burst throughput vs ioredis:        ${ratios.burstVsIoredis.toFixed(2)}× (goal ≥ 1)`)
  console.log(`serial p50 latency vs @upstash/redis: ${ratios.serialP50VsUpstash.toFixed(2)}× (goal ≤ 0.5)`)
  console.log(JSON.stringify({ benchmark: 'client', results, ratios }))
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error)
    process.exit(1)
  })
}

module.exports = { main }
