'use strict'
// Plumbing shared by the pub/sub suites (not a suite itself):
//   subscriber()/publisher()   clients of the package under test, disconnected after each test
//   record(client)             every pub/sub event a client emits, in order, from now on
//   waitForMessages(client, n, deadlineMs, filter)   the first n matching messages, or a clear failure
//   waitForEvent(client, event, deadlineMs, match)   the first matching event of any kind
//   mark(client) / eventNamesSince()                 "from now on" for waits and checks
//   quietPeriod(client, ms, filter)                  asserts nothing matching arrives for `ms`
//   receivers(oracle, channel) / waitForReceivers()  PUBSUB NUMSUB straight from redis-server
//   oracleSubscriber()         real ioredis subscribed over TCP to the backing redis (differential oracle)
// Every wait has a deadline; none of them can hang a suite.
const IORedis = require('ioredis')
const { env, uniqueKey, sleep } = require('../support')
const { Redis, clients, rejectionOf, runNode, direct, within, waitUntil } = require('../client/support/common')

const MESSAGE_EVENTS = ['message', 'messageBuffer', 'pmessage', 'pmessageBuffer']
const STATE_EVENTS = ['error', 'reconnecting', 'ready', 'close', 'end']

/** A channel (or pattern prefix) nobody else uses: suites share one redis. */
const channelName = (prefix = 'ch') => uniqueKey(`ps-${prefix}`)

const recorders = new WeakMap()

/**
 * Starts recording `client`'s events (idempotent). Attaching a 'message' listener matters: like
 * ioredis, the client emits 'message' only when someone listens. An 'error' listener is always
 * attached so stream errors are recorded, never thrown.
 */
function record(client) {
  let rec = recorders.get(client)
  if (rec) return rec
  rec = { events: [], listeners: new Set() }
  for (const event of [...MESSAGE_EVENTS, ...STATE_EVENTS]) {
    client.on(event, (...args) => {
      rec.events.push({ event, args })
      for (const listener of [...rec.listeners]) listener()
    })
  }
  recorders.set(client, rec)
  return rec
}

/** Readable summary of recorded events for failure messages (payloads shortened). */
function summarize(events, max = 8) {
  const show = (a) => {
    const text = Buffer.isBuffer(a)
      ? `<Buffer ${a.length}B ${JSON.stringify(a.toString('latin1').slice(0, 40))}>`
      : a instanceof Error
        ? `${a.code}: ${a.message}`
        : JSON.stringify(a)
    return text && text.length > 80 ? text.slice(0, 80) + '…' : text
  }
  const tail = events.slice(-max).map((e) => `${e.event}(${e.args.map(show).join(', ')})`)
  return `${events.length} event(s)${events.length > max ? `, last ${max}` : ''}: [${tail.join('; ')}]`
}

/**
 * Resolves the recorded events of type `event` matching `match` once there are at least `n`
 * (counting from recorded event number `since`); rejects after `deadlineMs` saying how many arrived.
 */
function waitForEvents(client, event, n, deadlineMs, match = () => true, since = 0) {
  const rec = record(client)
  const hits = []
  let scanned = since // incremental: a 10,000-message burst must not cost O(n²) re-scans
  return new Promise((resolve, reject) => {
    const check = () => {
      for (; scanned < rec.events.length && hits.length < n; scanned++) {
        const e = rec.events[scanned]
        if (e.event === event && match(...e.args)) hits.push(e.args)
      }
      if (hits.length < n) return false
      rec.listeners.delete(check)
      clearTimeout(timer)
      resolve(hits)
      return true
    }
    const timer = setTimeout(() => {
      rec.listeners.delete(check)
      reject(
        new Error(
          `expected ${n} '${event}' event(s) within ${deadlineMs} ms, got ${hits.length}; ${summarize(rec.events)}`,
        ),
      )
    }, deadlineMs)
    rec.listeners.add(check)
    check()
  })
}

/** The first recorded `event` matching `match` (from recorded event number `since` on). */
async function waitForEvent(client, event, deadlineMs, match = () => true, since = 0) {
  const [args] = await waitForEvents(client, event, 1, deadlineMs, match, since)
  return args
}

/** A filter over messageBuffer/pmessageBuffer arguments: by channel and/or pattern (strings). */
function messageFilter({ channel, pattern } = {}) {
  if (pattern !== undefined) {
    return (pat, ch) => pat === pattern && (channel === undefined || ch.toString() === channel)
  }
  return (ch) => channel === undefined || ch.toString() === channel
}

/**
 * The first `n` messages as `{channel, payload}` Buffers (from 'messageBuffer'), or with
 * `pattern` given `{pattern, channel, payload}` (from 'pmessageBuffer'). `since`: count only
 * events recorded from that index on (see `mark()`). Record before publishing.
 */
async function waitForMessages(client, n, deadlineMs, filter = {}) {
  const since = filter.since ?? 0
  if (filter.pattern !== undefined) {
    const hits = await waitForEvents(client, 'pmessageBuffer', n, deadlineMs, messageFilter(filter), since)
    return hits.map(([pattern, channel, payload]) => ({ pattern, channel, payload }))
  }
  const hits = await waitForEvents(client, 'messageBuffer', n, deadlineMs, messageFilter(filter), since)
  return hits.map(([channel, payload]) => ({ channel, payload }))
}

/** The index the next recorded event of `client` will get: pass it as `since`. */
const mark = (client) => record(client).events.length

/** Names of the events of `types` recorded from index `since` on. */
const eventNamesSince = (client, since, types) =>
  record(client)
    .events.slice(since)
    .filter((e) => types.includes(e.event))
    .map((e) => e.event)

/** Recorded messages (messageBuffer, or pmessageBuffer with a pattern) matching `filter`. */
function messagesSoFar(client, filter = {}) {
  const event = filter.pattern !== undefined ? 'pmessageBuffer' : 'messageBuffer'
  const match = messageFilter(filter)
  return record(client).events.filter((e) => e.event === event && match(...e.args))
}

/** Waits `ms`, then asserts that no message matching `filter` was recorded meanwhile. */
async function quietPeriod(client, ms, filter = {}) {
  const before = messagesSoFar(client, filter).length
  await sleep(ms)
  const after = messagesSoFar(client, filter)
  expect({ arrivedDuringQuietPeriod: after.slice(before).map((e) => e.args.map(String)) }).toEqual({
    arrivedDuringQuietPeriod: [],
  })
}

/** Subscribers / publishers under test; all disconnected after each test of the calling suite. */
function factory() {
  const make = clients()
  const { url, token } = env()
  return {
    make,
    subscriber(options = {}) {
      const client = make({ url, token, ...options })
      record(client)
      return client
    },
    publisher(options = {}) {
      return make({ url, token, ...options })
    },
  }
}

/** PUBSUB NUMSUB for one channel, asked of redis-server directly. */
async function receivers(oracle, channel) {
  const [, count] = await oracle.pubsub('NUMSUB', channel)
  return Number(count)
}

/** Polls NUMSUB until it equals `expected`: streams close asynchronously at the gateway. */
function waitForReceivers(oracle, channel, expected, timeoutMs = 5000) {
  return waitUntil(async () => (await receivers(oracle, channel)) === expected, {
    timeoutMs,
    what: `PUBSUB NUMSUB ${channel} = ${expected}`,
  }).catch(async (error) => {
    throw new Error(`${error.message}; NUMSUB is ${await receivers(oracle, channel)}`)
  })
}

/** Real ioredis straight to redis-server, recording like ours; call disconnect(). */
function oracleSubscriber() {
  const client = new IORedis(env().redisUrl, { maxRetriesPerRequest: 1, lazyConnect: false })
  record(client)
  return client
}

/** Normalised event for comparing with ioredis: each argument as {type, value}. */
function shape({ event, args }) {
  return {
    event,
    args: args.map((a) => (Buffer.isBuffer(a) ? { Buffer: a.toString('hex') } : { [typeof a]: a })),
  }
}

module.exports = {
  Redis,
  IORedis,
  env,
  uniqueKey,
  channelName,
  sleep,
  record,
  summarize,
  waitForEvents,
  waitForEvent,
  waitForMessages,
  mark,
  eventNamesSince,
  messagesSoFar,
  quietPeriod,
  factory,
  receivers,
  waitForReceivers,
  oracleSubscriber,
  shape,
  rejectionOf,
  runNode,
  direct,
  within,
  waitUntil,
}
