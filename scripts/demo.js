#!/usr/bin/env node
'use strict'
// `npm run demo`: fragmentV2's Redis flows on the local stack (redis-server + gateway), with timings.
const Redis = require('..')
const { SessionStore, QueryCache } = require('../lib/blocks')
const { startDevStack } = require('../lib/dev-stack.js')

const ms = (start) => `${(Number(process.hrtime.bigint() - start) / 1e6).toFixed(2)} ms`
const step = async (label, fn) => {
  const start = process.hrtime.bigint()
  const result = await fn()
  console.log(`  ${label.padEnd(44)} ${ms(start).padStart(10)}   ${result ?? ''}`)
  return result
}

async function loginSession(redis) {
  console.log('\nLogin session')
  const sessions = new SessionStore(redis, { prefix: 'demo:session:', ttlSeconds: 3600 })
  const id = await step('create session after login', async () => sessions.create({ userId: 'u_1', name: 'Ada' }))
  await step('read it on the next request (renews TTL)', async () => JSON.stringify(await sessions.get(id)))
  await step('log out', async () => `destroyed: ${await sessions.destroy(id)}`)
  await step('read after logout', async () => `session: ${await sessions.get(id)}`)
}

async function cachedQuery(redis) {
  console.log('\nCached query')
  const cache = new QueryCache(redis, { prefix: 'demo:cache:', ttlSeconds: 60 })
  await cache.invalidate('projects:u_1')
  const slowQuery = () => new Promise((resolve) => setTimeout(() => resolve([{ id: 1, name: 'Landing page' }]), 80))
  await step('first read: miss, runs the 80 ms query', async () => `hit: ${(await cache.fetch('projects:u_1', slowQuery)).hit}`)
  await step('second read: hit', async () => `hit: ${(await cache.fetch('projects:u_1', slowQuery)).hit}`)
}

async function throughput(redis) {
  console.log('\nAutomatic pipelining')
  await step('1,000 concurrent INCRs (ordered, batched)', async () => {
    const key = 'demo:counter'
    await redis.del(key)
    const results = await Promise.all(Array.from({ length: 1000 }, () => redis.incr(key)))
    return `last = ${results[999]}, in order: ${results.every((n, i) => n === i + 1)}`
  })
}

async function main() {
  console.log('Starting a private redis-server and the Upstash-compatible gateway…')
  const started = process.hrtime.bigint()
  const stack = await startDevStack()
  console.log(`  ready in ${ms(started)}: UPSTASH_REDIS_REST_URL=${stack.url}`)
  const redis = new Redis({ url: stack.url, token: stack.token })
  try {
    await loginSession(redis)
    await cachedQuery(redis)
    await throughput(redis)
  } finally {
    await redis.quit()
    await stack.stop()
  }
  console.log('\nDone.')
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
