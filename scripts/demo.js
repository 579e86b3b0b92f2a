#!/usr/bin/env node
'use strict'
// `npm run demo`: fragmentV2's Redis flows on the local stack (redis-server + gateway), with timings.
const Redis = require('..')
const { SessionStore, QueryCache, ChatHistory, RateLimit } = require('../lib/blocks')
const { ChatStreams } = require('../lib/stream')
const { startDevStack } = require('../lib/dev-stack.js')

const ms = (start) => `${(Number(process.hrtime.bigint() - start) / 1e6).toFixed(2)} ms`
/** Runs and times one step; prints `shown(result)` (the result itself by default). */
const step = async (label, fn, shown = (result) => result) => {
  const start = process.hrtime.bigint()
  const result = await fn()
  console.log(`  ${label.padEnd(44)} ${ms(start).padStart(10)}   ${shown(result) ?? ''}`)
  return result
}

// Session ids are bearer credentials: the demo prints what happens to them, never the ids.
async function loginSession(redis) {
  console.log('\nLogin session')
  const sessions = new SessionStore(redis, { prefix: 'demo:session:', ttlSeconds: 3600 })
  const hidden = () => '(new id in the cookie)'
  const visitor = await step('anonymous visitor gets a session', () => sessions.create({ cart: [] }), hidden)
  const id = await step(
    'log in: rotate to a new id, the old one dies',
    () => sessions.rotate(visitor, { data: { name: 'Ada' }, userId: 'u_1' }),
    hidden,
  )
  await step('the old id reads as no session', async () => `session: ${await sessions.get(visitor)}`)
  await step('read it on the next request (renews TTL)', async () => JSON.stringify(await sessions.get(id)))
  await step('log out', async () => `destroyed: ${await sessions.destroy(id)}`)
  await step('read after logout', async () => `session: ${await sessions.get(id)}`)
}

async function cachedQuery(redis) {
  console.log('\nCached query')
  const cache = new QueryCache(redis, { prefix: 'demo:cache:', ttlSeconds: 60 })
  await cache.invalidate('projects:u_1')
  const slowQuery = () => new Promise((resolve) => setTimeout(() => resolve([{ id: 1, name: 'Landing page' }]), 80))
  await step(
    'first read: miss, runs the 80 ms query',
    async () => `hit: ${(await cache.fetch('projects:u_1', slowQuery)).hit}`,
  )
  await step('second read: hit', async () => `hit: ${(await cache.fetch('projects:u_1', slowQuery)).hit}`)
}

/** An assistant reply streamed token by token; a second tab joins mid-reply and resumes. */
async function chatReply(redis, reader) {
  console.log('\nChat reply, streamed and resumed')
  const producerSide = new ChatStreams(redis, { prefix: 'demo:chat:' })
  const readerSide = new ChatStreams(reader, { prefix: 'demo:chat:' })
  const tokens =
    'Fragments turns a prompt into a running app: it writes the code, starts a sandbox and streams every step back to you.'.split(
      /(?= )/,
    )
  const id = `reply-${Date.now()}`
  const writer = await producerSide.create(id)
  const collect = async (options) => {
    let text = ''
    let last
    for await (const chunk of readerSide.read(id, options)) {
      text += chunk.text
      last = chunk.id
    }
    return { text, last }
  }
  const live = collect()
  let resumed
  await step(`stream ${tokens.length} tokens, 5 ms apart`, async () => {
    for (const [i, token] of tokens.entries()) {
      await writer.append(token)
      if (i === Math.floor(tokens.length / 2)) resumed = collect() // a reload mid-reply: starts over from history
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    await writer.done()
    return `${tokens.length} appends`
  })
  const [first, second] = await Promise.all([live, resumed])
  await step(
    'live reader got the whole reply',
    async () => `${first.text === tokens.join('')} (${first.text.length} chars)`,
  )
  await step('reader that joined mid-reply got it all', async () => `${second.text === tokens.join('')}`)
  await step('resume after the last seen id', async () => {
    const { text } = await collect({ after: first.last })
    return `nothing left to send: ${text === ''}`
  })
}

async function historyAndLimits(redis) {
  console.log('\nChat history and rate limit')
  const history = new ChatHistory(redis, { prefix: 'demo:history:', maxMessages: 100, ttlSeconds: 3600 })
  const chatId = `chat-${Date.now()}`
  await step('append a user and an assistant message', async () => {
    await history.append(chatId, [
      { role: 'user', content: 'Build me a todo app' },
      { role: 'assistant', content: 'Here it is.' },
    ])
    return 'one MULTI'
  })
  await step('latest messages, oldest first', async () => {
    const { messages } = await history.latest(chatId, 10)
    return messages.map((m) => m.role).join(', ')
  })
  const limiter = new RateLimit(redis, {
    prefix: `demo:ratelimit:${Date.now()}`,
    limiter: RateLimit.slidingWindow(5, '10 s'),
    whenUnreachable: 'deny',
  })
  await step('7 chat requests against 5 per 10 s', async () => {
    const results = []
    for (let i = 0; i < 7; i++) results.push((await limiter.limit('ip:127.0.0.1')).success)
    return `allowed ${results.filter(Boolean).length}, refused ${results.filter((ok) => !ok).length} (429)`
  })
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
  const reader = redis.duplicate()
  try {
    await loginSession(redis)
    await cachedQuery(redis)
    await chatReply(redis, reader)
    await historyAndLimits(redis)
    await throughput(redis)
  } finally {
    await reader.quit()
    await redis.quit()
    await stack.stop()
  }
  console.log('\nDone.')
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
