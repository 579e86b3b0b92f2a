'use strict'
// Pub/sub through gateway and redis restarts, a gateway that is down, and a wrong token. Runs on a
// private dev stack so stopping its processes cannot disturb the suites sharing the global one.
const { startDevStack } = require('../../lib/dev-stack')
const {
  IORedis,
  channelName,
  factory,
  record,
  mark,
  eventNamesSince,
  waitForMessages,
  waitForEvent,
  receivers,
  rejectionOf,
  within,
  sleep,
} = require('./support')

const RECOVERY_MS = 15000 // back-off is capped at 2 s; a restart takes well under that
const DEADLINE_MS = 5000
const QUIET_MS = 1000
// What a dropped or refused stream may report while the gateway or redis is away.
const CONNECTION_ERRORS = ['ECONNREFUSED', 'ECONNRESET', 'ECONNECT', 'ETIMEDOUT', 'EHTTP_503']

jest.setTimeout(60000)

let stack
let oracle // ioredis straight to the private redis
const { subscriber: makeSubscriber, publisher: makePublisher } = factory()
const subscriber = (options = {}) => makeSubscriber({ url: stack.url, token: stack.token, ...options })
const publisher = () => makePublisher({ url: stack.url, token: stack.token })

beforeAll(async () => {
  stack = await startDevStack()
  oracle = new IORedis(stack.redisUrl, { maxRetriesPerRequest: 1 })
})
afterEach(async () => {
  // Whatever a test stopped comes back for the next one (both calls are no-ops when running).
  await stack.startRedis()
  await stack.startGateway()
})
afterAll(async () => {
  oracle?.disconnect()
  await stack?.stop()
})

/** Two channels and a pattern covering both, subscribed on one client, with a message through. */
async function subscribedClient(prefix) {
  const base = channelName(prefix)
  const channels = [`${base}:a`, `${base}:b`]
  const pattern = `${base}:*`
  const sub = subscriber()
  expect(await sub.subscribe(...channels)).toBe(2)
  expect(await sub.psubscribe(pattern)).toBe(3)
  expect(await publisher().publish(channels[0], 'before')).toBe(2)
  await waitForMessages(sub, 1, DEADLINE_MS, { channel: channels[0] })
  return { sub, channels, pattern }
}

/** Waits for 'reconnecting' … 'ready' after `since`, checking what came in between. */
async function expectReconnected(sub, since) {
  await waitForEvent(sub, 'ready', RECOVERY_MS, () => true, since)
  const states = eventNamesSince(sub, since, ['reconnecting', 'ready'])
  expect(states[0]).toBe('reconnecting')
  expect(states[states.length - 1]).toBe('ready')
  const events = record(sub).events.slice(since)
  expect(typeof events.find((e) => e.event === 'reconnecting').args[0]).toBe('number') // the delay, as in ioredis
  for (const e of events.filter((x) => x.event === 'error')) expect(CONNECTION_ERRORS).toContain(e.args[0].code)
  return events.findIndex((e) => e.event === 'ready') + since
}

/** After 'ready' every stream is back: a message published now reaches each of them exactly once. */
async function expectEveryStreamDelivers({ sub, channels, pattern }, label) {
  const since = mark(sub)
  const pub = publisher()
  for (const ch of channels) expect(await pub.publish(ch, `${label} ${ch}`)).toBe(2)
  const text = (m) => [m.pattern, m.channel.toString(), m.payload.toString()].filter((x) => x !== undefined)
  for (const ch of channels) {
    const [viaChannel] = await waitForMessages(sub, 1, DEADLINE_MS, { channel: ch, since })
    const [viaPattern] = await waitForMessages(sub, 1, DEADLINE_MS, { pattern, channel: ch, since })
    expect([text(viaChannel), text(viaPattern)]).toEqual([
      [ch, `${label} ${ch}`],
      [pattern, ch, `${label} ${ch}`],
    ])
  }
  // Exactly one stream per channel at redis: resuming did not leave a duplicate behind.
  expect(await Promise.all(channels.map((ch) => receivers(oracle, ch)))).toEqual([1, 1])
}

describe('reconnecting', () => {
  test("after restartGateway(): 'reconnecting', then 'ready', and later messages arrive on every stream", async () => {
    const subscribed = await subscribedClient('restart')
    const since = mark(subscribed.sub)
    await stack.restartGateway()
    await expectReconnected(subscribed.sub, since)
    await expectEveryStreamDelivers(subscribed, 'after restart')
  })

  test('two gateway restarts in a row: the client recovers each time', async () => {
    const subscribed = await subscribedClient('restart-twice')
    for (const round of [1, 2]) {
      const since = mark(subscribed.sub)
      await stack.restartGateway()
      await expectReconnected(subscribed.sub, since)
      await expectEveryStreamDelivers(subscribed, `round ${round}`)
    }
  })

  test("redis-server restarting behind the gateway: 'reconnecting', 'ready', and delivery resumes", async () => {
    const subscribed = await subscribedClient('redis-restart')
    const since = mark(subscribed.sub)
    await stack.stopRedis()
    await waitForEvent(subscribed.sub, 'reconnecting', RECOVERY_MS, () => true, since)
    await stack.startRedis()
    await expectReconnected(subscribed.sub, since)
    await expectEveryStreamDelivers(subscribed, 'after redis restart')
  })

  test("unsubscribe() while reconnecting stops the retries: no stream comes back; one 'ready' once nothing reconnects", async () => {
    const { sub, channels } = await subscribedClient('unsub-down')
    const since = mark(sub)
    await stack.stopGateway()
    await waitForEvent(sub, 'reconnecting', RECOVERY_MS, () => true, since)
    expect(await sub.unsubscribe()).toBe(1)
    await sleep(100)
    expect(eventNamesSince(sub, since, ['ready'])).toEqual([]) // the pattern's stream is still reconnecting
    expect(await sub.punsubscribe()).toBe(0)
    await waitForEvent(sub, 'ready', DEADLINE_MS, () => true, since) // nothing is reconnecting any more
    await stack.startGateway()
    await sleep(QUIET_MS + 2000) // longer than the back-off cap: a retry would have happened
    expect(await Promise.all(channels.map((ch) => receivers(oracle, ch)))).toEqual([0, 0])
    expect(eventNamesSince(sub, since, ['reconnecting', 'ready'])).toEqual(['reconnecting', 'ready'])
  })
})

describe('failing subscriptions', () => {
  test('subscribe() to a gateway that is down rejects (ECONNREFUSED) instead of hanging, and gives up', async () => {
    const [ch, ch2] = [channelName('down'), channelName('down-2')]
    await stack.stopGateway()
    const sub = subscriber()
    const error = await within(rejectionOf(sub.subscribe(ch)), DEADLINE_MS, 'subscribe() to a stopped gateway')
    expect(error).toBeInstanceOf(Error)
    expect(['ECONNREFUSED', 'ECONNECT']).toContain(error.code)
    const patternError = await within(
      rejectionOf(sub.psubscribe(`${ch2}*`)),
      DEADLINE_MS,
      'psubscribe() to a stopped gateway',
    )
    expect(['ECONNREFUSED', 'ECONNECT']).toContain(patternError.code)
    // The failed subscription is not retried behind the caller's back once the gateway returns…
    await stack.startGateway()
    await sleep(QUIET_MS + 2000)
    expect(await receivers(oracle, ch)).toBe(0)
    expect(await publisher().publish(`${ch2}x`, 'nobody')).toBe(0)
    // …and the client is usable: a new subscribe() works and counts from zero.
    expect(await within(sub.subscribe(ch), DEADLINE_MS, 'subscribe() after the gateway is back')).toBe(1)
  })

  test('a wrong token makes subscribe() and psubscribe() reject with code EUNAUTHORIZED', async () => {
    const ch = channelName('token')
    const sub = subscriber({ token: 'definitely-not-the-token' })
    const error = await within(rejectionOf(sub.subscribe(ch)), DEADLINE_MS, 'subscribe() with a wrong token')
    expect(error).toBeInstanceOf(Error)
    expect(error.code).toBe('EUNAUTHORIZED')
    const patternError = await within(
      rejectionOf(sub.psubscribe(`${ch}*`)),
      DEADLINE_MS,
      'psubscribe() with a wrong token',
    )
    expect(patternError.code).toBe('EUNAUTHORIZED')
    expect(await receivers(oracle, ch)).toBe(0)
    expect(eventNamesSince(sub, 0, ['reconnecting'])).toEqual([]) // a rejected token is not retried
  })
})
