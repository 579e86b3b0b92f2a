'use strict'
// Chat-stream benchmark: chunks streamed from one producer to 1 and to 20 consumers, measured as
// throughput (producer appending as fast as it can, awaiting each append like a token-by-token
// producer) and as end-to-end latency append → receipt (producer paced like LLM tokens).
//
//   ours     ChatStreams (lib/stream) over the REST gateway: writer.append() = EVALSHA of XADD +
//            EXPIRE + PUBLISH; every consumer is a streams.read() iterator (notification over SSE,
//            then XRANGE after its last id). Producer and consumers use two clients, one each.
//   ioredis  the same fan-out with plain pub/sub over TCP to the same redis-server: PUBLISH per
//            chunk (awaited) on one connection; the consumers are callbacks on ONE subscriber
//            connection (one SUBSCRIBE, one 'message' listener dispatching to them), the same
//            shape as ours, where the consumer client subscribes once per stream and wakes all
//            its readers. Pub/sub has no history, no resume and no durability: it is the floor
//            to compare against, not an equivalent.
//
// Each chunk is `<process.hrtime.bigint()>|<seq>` (~20 bytes): consumers run in this process, so
// latency is computed on receipt against the same clock. Every consumer must receive every chunk,
// in order, exactly once, or the run fails. Prints a table, ratios and one JSON line.
//
//   node benchmark/stream.js
//   BENCH_STREAM_CHUNKS=10000 BENCH_STREAM_PACED_CHUNKS=5000 BENCH_STREAM_PACE_MS=2 node benchmark/stream.js
const { setMaxListeners } = require('node:events')
const IORedis = require('ioredis')
const Redis = require('..')
const { ChatStreams } = require('../lib/stream')
const { startDevStack } = require('../lib/dev-stack.js')
const { percentile, table } = require('./support.js')

const CHUNKS = Number(process.env.BENCH_STREAM_CHUNKS) || 5000 // throughput phase, per scenario
const PACED_CHUNKS = Number(process.env.BENCH_STREAM_PACED_CHUNKS) || 2500 // latency phase, per scenario
const PACE_MS = Number(process.env.BENCH_STREAM_PACE_MS) || 2 // one chunk every PACE_MS in the latency phase
const CONSUMERS = [1, 20]
const WARMUP_CHUNKS = 200 // untimed, before each phase: JIT, connections, and proof every consumer is live
const PHASE_TIMEOUT_MS = 60_000
const OVERALL_TIMEOUT_MS = 300_000
const GOAL_P99_MS = 5
const GOAL_THROUGHPUT_RATIO = 0.5
const OURS = '@fragment/redis-native ChatStreams'
const PEER = 'ioredis pub/sub (TCP, 1 sub conn)'

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

function withTimeout(promise, ms, what) {
  let timer
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not done after ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** One consumer's view: checks order and completeness, records latency and the last receipt. */
class Sink {
  constructor(expected) {
    this.warm = 0
    this.received = 0
    this.latencies = new Float64Array(expected) // ms
    this.lastAt = 0n
    this.error = null
    this.onProgress = () => {}
  }

  accept(text) {
    const now = process.hrtime.bigint()
    const bar = text.indexOf('|')
    const sentAt = BigInt(text.slice(0, bar))
    const seq = text.slice(bar + 1)
    if (seq[0] === 'w') {
      this.warm++
    } else if (Number(seq) !== this.received) {
      this.error ??= new Error(`expected chunk ${this.received}, got ${seq}`)
    } else {
      this.latencies[this.received++] = Number(now - sentAt) / 1e6
      this.lastAt = now
    }
    this.onProgress()
  }

  /** Resolves once `test()` holds (checked after every chunk), rejects on an order error. */
  until(test, what) {
    return withTimeout(
      new Promise((resolve, reject) => {
        const check = () => {
          if (this.error) reject(this.error)
          else if (test()) resolve()
        }
        this.onProgress = check
        check()
      }),
      PHASE_TIMEOUT_MS,
      what,
    ).finally(() => {
      this.onProgress = () => {}
    })
  }
}

/**
 * Sends `count` chunks; with `paceMs`, chunk i leaves no earlier than start + i·paceMs. Each send is
 * awaited, unless `streamed`: then the producer hands chunks over as they come (a token loop that
 * does not wait for each write) and both clients keep them in order on their own.
 */
async function produce(send, count, paceMs, warm = false, streamed = false) {
  const start = performance.now()
  const pending = []
  for (let i = 0; i < count; i++) {
    if (paceMs > 0) {
      const wait = start + i * paceMs - performance.now()
      if (wait > 0) await sleep(wait)
    }
    const sent = send(`${process.hrtime.bigint()}|${warm ? 'w' : ''}${i}`)
    if (streamed) pending.push(sent)
    else await sent
  }
  await Promise.all(pending)
}

/**
 * One phase on one fan-out: warm up, then time `count` chunks. `open(sinks)` connects the consumers
 * and returns { send, close }.
 */
async function phase(open, consumers, count, paceMs, label, streamed = false) {
  const sinks = Array.from({ length: consumers }, () => new Sink(count))
  const { send, close } = await open(sinks)
  try {
    await produce(send, WARMUP_CHUNKS, paceMs, true)
    await Promise.all(sinks.map((s) => s.until(() => s.warm === WARMUP_CHUNKS, `${label}: warm-up`)))
    const start = process.hrtime.bigint()
    await produce(send, count, paceMs, false, streamed)
    await Promise.all(sinks.map((s) => s.until(() => s.received === count, `${label}: delivery`)))
    const end = sinks.reduce((max, s) => (s.lastAt > max ? s.lastAt : max), 0n)
    const all = new Float64Array(consumers * count)
    sinks.forEach((s, i) => all.set(s.latencies, i * count))
    all.sort()
    return {
      seconds: Number(end - start) / 1e9,
      delivered: consumers * count,
      p50: percentile(all, 0.5),
      p99: percentile(all, 0.99),
      max: all[all.length - 1],
    }
  } finally {
    await close()
  }
}

let streamSeq = 0

/** ours: a fresh chat stream, `sinks.length` read() iterators on the consumer client. */
function oursFanout(producerStreams, consumerStreams) {
  return async (sinks) => {
    const id = `bench-${process.pid}-${++streamSeq}`
    const writer = await producerStreams.create(id)
    const abort = new AbortController()
    setMaxListeners(sinks.length + 10, abort.signal) // one 'abort' listener per reader
    const readers = sinks.map(async (sink) => {
      for await (const chunk of consumerStreams.read(id, { signal: abort.signal })) sink.accept(chunk.text)
    })
    // A reader that fails (e.g. StreamNotFoundError) must fail the phase, not hang it.
    const failed = Promise.all(readers).then(
      () => {},
      (error) => {
        for (const sink of sinks) sink.error ??= error
        for (const sink of sinks) sink.onProgress()
      },
    )
    return {
      send: (text) => writer.append(text),
      close: async () => {
        await writer.done()
        // done() ends every iterator; the abort is the fallback if one is stuck.
        const stop = setTimeout(() => abort.abort(), 5000)
        await Promise.allSettled(readers)
        clearTimeout(stop)
        await failed
        await producerStreams.redis.del(producerStreams.key(id))
      },
    }
  }
}

/** ioredis: a fresh channel, one SUBSCRIBE on the subscriber connection, one callback per sink. */
function ioredisFanout(publisher, subscriber) {
  return async (sinks) => {
    const channel = `bench:stream:${process.pid}:${++streamSeq}`
    const callbacks = sinks.map((sink) => (message) => sink.accept(message))
    const onMessage = (ch, message) => {
      if (ch === channel) for (const callback of callbacks) callback(message)
    }
    subscriber.on('message', onMessage)
    await subscriber.subscribe(channel)
    return {
      send: (text) => publisher.publish(channel, text),
      close: async () => {
        subscriber.off('message', onMessage)
        await subscriber.unsubscribe(channel)
      },
    }
  }
}

async function measure(scenario, open, consumers) {
  const label = `${scenario}, ${consumers} consumer(s)`
  process.stderr.write(`${label}: throughput...\n`)
  const fast = await phase(open, consumers, CHUNKS, 0, label)
  process.stderr.write(`${label}: streamed producer (appends not awaited one by one)...\n`)
  const streamed = await phase(open, consumers, CHUNKS, 0, label, true)
  process.stderr.write(`${label}: latency (one chunk every ${PACE_MS} ms)...\n`)
  const paced = await phase(open, consumers, PACED_CHUNKS, PACE_MS, label)
  return {
    scenario,
    consumers,
    throughput: fast.delivered / fast.seconds, // chunks delivered (to all consumers) per second
    appendsPerSec: CHUNKS / fast.seconds,
    streamedThroughput: streamed.delivered / streamed.seconds,
    p50: paced.p50,
    p99: paced.p99,
    max: paced.max,
    // Latency while the producer runs flat out (queueing included), for context.
    fastP50: fast.p50,
    fastP99: fast.p99,
  }
}

async function main() {
  // The dev stack SIGKILLs its children from an 'exit' handler: signals and the watchdog become
  // process.exit so that it runs.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130))
  setTimeout(() => {
    console.error(`benchmark/stream.js: gave up after ${OVERALL_TIMEOUT_MS / 1000} s`)
    process.exit(1)
  }, OVERALL_TIMEOUT_MS).unref()

  const stack = await startDevStack()
  const clients = []
  try {
    const producer = new Redis({ url: stack.url, token: stack.token })
    const consumer = new Redis({ url: stack.url, token: stack.token })
    const publisher = new IORedis(stack.redisUrl)
    const subscriber = new IORedis(stack.redisUrl)
    clients.push(producer, consumer, publisher, subscriber)
    const prefix = `bench:chat:${process.pid}:`
    const producerStreams = new ChatStreams(producer, { prefix })
    const consumerStreams = new ChatStreams(consumer, { prefix })

    const scenarios = [
      [OURS, oursFanout(producerStreams, consumerStreams)],
      [PEER, ioredisFanout(publisher, subscriber)],
    ]
    // Interleaved (ours, peer, ours, peer) so that a change in machine load hits both sides.
    const results = []
    for (const consumers of CONSUMERS) {
      for (const [scenario, open] of scenarios) results.push(await measure(scenario, open, consumers))
    }
    results.sort((a, b) => (a.scenario === b.scenario ? a.consumers - b.consumers : a.scenario === OURS ? -1 : 1))
    report(results)
  } finally {
    await Promise.allSettled(clients.map((c) => c.quit()))
    await stack.stop()
  }
}

function report(results) {
  const ours = (n) => results.find((r) => r.scenario === OURS && r.consumers === n)
  const peer = (n) => results.find((r) => r.scenario === PEER && r.consumers === n)
  console.log(
    `\nChat-stream benchmark: ~20-byte chunks; throughput = ${CHUNKS} chunks appended back to back (each awaited, and streamed),` +
      ` counted per consumer; latency = ${PACED_CHUNKS} chunks, one every ${PACE_MS} ms, append → receipt`,
  )
  console.log(
    table(
      [
        'scenario',
        'consumers',
        'awaited chunks/s',
        'streamed chunks/s',
        'appends/s',
        'p50 ms',
        'p99 ms',
        'max ms',
        'flat-out p99 ms',
      ],
      results.map((r) => [
        r.scenario,
        r.consumers,
        Math.round(r.throughput),
        Math.round(r.streamedThroughput),
        Math.round(r.appendsPerSec),
        r.p50.toFixed(2),
        r.p99.toFixed(2),
        r.max.toFixed(2),
        r.fastP99.toFixed(2),
      ]),
    ),
  )
  // The throughput goal is judged on the streamed producer (how a token loop feeds a stream); the
  // awaited ratio is printed too: it is one REST round trip per chunk against one TCP round trip.
  const ratios = {
    throughputVsIoredis1: ours(1).streamedThroughput / peer(1).streamedThroughput,
    throughputVsIoredis20: ours(20).streamedThroughput / peer(20).streamedThroughput,
    awaitedThroughputVsIoredis1: ours(1).throughput / peer(1).throughput,
    awaitedThroughputVsIoredis20: ours(20).throughput / peer(20).throughput,
    p99VsIoredis1: ours(1).p99 / peer(1).p99,
    p99VsIoredis20: ours(20).p99 / peer(20).p99,
  }
  const mark = (ok) => (ok ? 'met' : 'NOT met')
  for (const n of CONSUMERS) {
    const ratio = ratios[`throughputVsIoredis${n}`]
    const awaited = ratios[`awaitedThroughputVsIoredis${n}`]
    console.log(
      `${n === CONSUMERS[0] ? '\n' : ''}streamed throughput vs ioredis pub/sub, ${String(n).padStart(2)} consumer(s): ${ratio.toFixed(2)}× ` +
        `(goal ≥ ${GOAL_THROUGHPUT_RATIO}) — ${mark(ratio >= GOAL_THROUGHPUT_RATIO)}; each append awaited: ${awaited.toFixed(2)}×`,
    )
  }
  console.log(
    `p99 latency, 1 consumer: ${ours(1).p99.toFixed(2)} ms (goal ≤ ${GOAL_P99_MS} ms) — ${mark(ours(1).p99 <= GOAL_P99_MS)}`,
  )
  console.log(
    `p99 latency vs ioredis pub/sub: ${ratios.p99VsIoredis1.toFixed(1)}× (1 consumer), ${ratios.p99VsIoredis20.toFixed(1)}× (20 consumers)`,
  )
  const goals = {
    p99Ms: GOAL_P99_MS,
    throughputRatio: GOAL_THROUGHPUT_RATIO,
    p99Met: ours(1).p99 <= GOAL_P99_MS,
    throughputMet: CONSUMERS.every((n) => ratios[`throughputVsIoredis${n}`] >= GOAL_THROUGHPUT_RATIO),
  }
  const config = {
    chunks: CHUNKS,
    pacedChunks: PACED_CHUNKS,
    paceMs: PACE_MS,
    warmupChunks: WARMUP_CHUNKS,
    ioredisSubscriberConnections: 1,
  }
  console.log(JSON.stringify({ benchmark: 'stream', config, results, ratios, goals }))
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error) => {
      console.error(error)
      process.exit(1)
    },
  )
}

module.exports = { main }
