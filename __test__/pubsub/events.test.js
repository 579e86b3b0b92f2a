'use strict'
// Pub/sub API semantics against ioredis: subscription counts, the four message events (argument
// types and values), unsubscribing, callbacks, and commands on a subscribed client. Real ioredis
// connected straight to redis-server serves as the oracle where a behaviour can be compared.
const {
  channelName,
  factory,
  record,
  waitForMessages,
  waitForEvents,
  quietPeriod,
  receivers,
  waitForReceivers,
  oracleSubscriber,
  shape,
  direct,
  within,
  sleep,
} = require('./support')

const DEADLINE_MS = 5000 // for any single message to arrive
const QUIET_MS = 500 // "nothing arrives": generous next to a local round trip (~1 ms)

const { subscriber, publisher } = factory()
let oracle // ioredis over TCP, for PUBSUB NUMSUB and publishing around the gateway
const oracleSubscribers = []
beforeAll(() => {
  oracle = direct()
})
afterEach(() => {
  for (const client of oracleSubscribers.splice(0)) client.disconnect()
})
afterAll(() => oracle.quit())

function ioredisSubscriber() {
  const client = oracleSubscriber()
  oracleSubscribers.push(client)
  return client
}

/** Runs `[method, ...args]` steps in order (each bounded) and returns every resolved value. */
async function runSteps(client, steps) {
  const results = []
  for (const [method, ...args] of steps) {
    results.push(await within(client[method](...args), DEADLINE_MS, `${method}(${args.join(', ')})`))
  }
  return results
}

describe('subscription counts', () => {
  test('subscribe(a, b) resolves 2, then subscribe(b, c) resolves 3', async () => {
    const [a, b, c] = [channelName('a'), channelName('b'), channelName('c')]
    const sub = subscriber()
    expect(await sub.subscribe(a, b)).toBe(2)
    expect(await sub.subscribe(b, c)).toBe(3)
    // Each channel is subscribed exactly once at the server (b is not opened twice).
    await waitForReceivers(oracle, b, 1)
    expect(await Promise.all([a, c].map((ch) => receivers(oracle, ch)))).toEqual([1, 1])
  })

  test('channels and patterns add up, and the counts equal real ioredis step for step', async () => {
    const [a, b, c] = [channelName('a'), channelName('b'), channelName('c')]
    const [p1, p2, p3] = [channelName('p1') + ':*', channelName('p2') + ':*', channelName('p3') + ':*']
    const steps = [
      ['subscribe', a, b],
      ['subscribe', b, c],
      ['psubscribe', p1, p2],
      ['psubscribe', p2, p3],
      ['unsubscribe', a],
      ['punsubscribe', p1],
      ['unsubscribe', channelName('never-subscribed')],
      ['subscribe', a],
      ['subscribe', [channelName('array-1'), channelName('array-2')]],
    ]
    const ours = await runSteps(subscriber(), steps)
    expect(ours).toEqual([2, 3, 5, 6, 5, 4, 4, 5, 7])
    expect(ours).toEqual(await runSteps(ioredisSubscriber(), steps))
  })

  test('subscribe() and psubscribe() without a name reject, as in ioredis', async () => {
    const settle = (p) =>
      within(
        p.then(
          (value) => ({ value }),
          (error) => ({ error: error.message }),
        ),
        DEADLINE_MS,
        'call',
      )
    const ioredis = ioredisSubscriber()
    const expected = [await settle(ioredis.subscribe()), await settle(ioredis.psubscribe())]
    expect(expected).toEqual([
      { error: "ERR wrong number of arguments for 'subscribe' command" },
      { error: "ERR wrong number of arguments for 'psubscribe' command" },
    ])
    const sub = subscriber()
    expect([await settle(sub.subscribe()), await settle(sub.psubscribe())]).toEqual(expected)
  })

  test('the same channel twice in one call counts once', async () => {
    const a = channelName('dup')
    const sub = subscriber()
    expect(await sub.subscribe(a, a)).toBe(1)
    expect(await sub.psubscribe(`${a}*`, `${a}*`)).toBe(2)
  })

  test('unsubscribe() without arguments drops every channel and resolves 0 when there are no patterns', async () => {
    const names = [channelName('all-1'), channelName('all-2'), channelName('all-3')]
    const sub = subscriber()
    const pub = publisher()
    expect(await sub.subscribe(...names)).toBe(3)
    expect(await sub.unsubscribe()).toBe(0)
    for (const ch of names) await waitForReceivers(oracle, ch, 0)
    expect(await Promise.all(names.map((ch) => pub.publish(ch, 'after')))).toEqual([0, 0, 0])
    await quietPeriod(sub, QUIET_MS)
    // Subscribing again afterwards works from a count of zero.
    expect(await sub.subscribe(names[0])).toBe(1)
  })

  test('punsubscribe() without arguments drops every pattern and resolves with the channels left', async () => {
    const base = channelName('pall')
    const [p1, p2] = [`${base}:x:*`, `${base}:y:*`]
    const ch = channelName('pall-ch')
    const sub = subscriber()
    const pub = publisher()
    expect(await sub.psubscribe(p1, p2)).toBe(2)
    expect(await sub.subscribe(ch)).toBe(3)
    expect(await sub.punsubscribe()).toBe(1)
    // The pattern streams are closed at the server: nobody receives these any more.
    await within(
      (async () => {
        while ((await pub.publish(`${base}:x:1`, 'probe')) + (await pub.publish(`${base}:y:1`, 'probe')) !== 0)
          await sleep(50)
      })(),
      DEADLINE_MS,
      'pattern streams closing at redis',
    )
    await pub.publish(`${base}:x:2`, 'late')
    await pub.publish(ch, 'still-here')
    expect(await waitForMessages(sub, 1, DEADLINE_MS, { channel: ch })).toEqual([
      { channel: Buffer.from(ch), payload: Buffer.from('still-here') },
    ])
    await quietPeriod(sub, QUIET_MS, { pattern: p1 })
    expect(record(sub).events.filter((e) => e.event === 'pmessageBuffer')).toEqual([])
    expect(await sub.unsubscribe()).toBe(0)
  })

  test('subscribe(a) then unsubscribe(a) in the same tick: subscribe resolves 1 and unsubscribe 0, as in ioredis', async () => {
    // ioredis sends both commands; SUBSCRIBE is acknowledged with 1, UNSUBSCRIBE with 0. A rejected
    // subscribe() here would be an unhandled rejection for the common fire-and-forget call.
    const a = channelName('same-tick')
    const settle = (p) =>
      p.then(
        (value) => ({ value }),
        (error) => ({ error: error.message }),
      )
    const ioredis = ioredisSubscriber()
    const expected = await Promise.all([settle(ioredis.subscribe(a)), settle(ioredis.unsubscribe(a))])
    expect(expected).toEqual([{ value: 1 }, { value: 0 }])
    const sub = subscriber()
    const got = await within(
      Promise.all([settle(sub.subscribe(a)), settle(sub.unsubscribe(a))]),
      DEADLINE_MS,
      'both calls',
    )
    expect(got).toEqual(expected)
    await waitForReceivers(oracle, a, 0)
  })
})

describe('message events', () => {
  test('message(channel, message) gives strings, messageBuffer(channel, message) gives Buffers', async () => {
    const ch = channelName('types')
    const sub = subscriber()
    await sub.subscribe(ch)
    expect(await publisher().publish(ch, 'héllo, wörld')).toBe(1)
    const [[channel, message]] = await waitForEvents(sub, 'message', 1, DEADLINE_MS)
    const [[channelBuf, messageBuf]] = await waitForEvents(sub, 'messageBuffer', 1, DEADLINE_MS)
    expect([typeof channel, typeof message]).toEqual(['string', 'string'])
    expect([channel, message]).toEqual([ch, 'héllo, wörld'])
    expect([Buffer.isBuffer(channelBuf), Buffer.isBuffer(messageBuf)]).toEqual([true, true])
    expect([channelBuf, messageBuf]).toEqual([Buffer.from(ch), Buffer.from('héllo, wörld')])
  })

  test('pmessage(pattern, channel, message) gives strings, pmessageBuffer gives (string, Buffer, Buffer)', async () => {
    const base = channelName('ptypes')
    const pattern = `${base}:*`
    const ch = `${base}:room-1`
    const sub = subscriber()
    await sub.psubscribe(pattern)
    expect(await publisher().publish(ch, 'pay,load')).toBe(1)
    const [args] = await waitForEvents(sub, 'pmessage', 1, DEADLINE_MS)
    const [bufArgs] = await waitForEvents(sub, 'pmessageBuffer', 1, DEADLINE_MS)
    expect(args.map((a) => typeof a)).toEqual(['string', 'string', 'string'])
    expect(args).toEqual([pattern, ch, 'pay,load'])
    expect([typeof bufArgs[0], Buffer.isBuffer(bufArgs[1]), Buffer.isBuffer(bufArgs[2])]).toEqual([
      'string',
      true,
      true,
    ])
    expect(bufArgs).toEqual([pattern, Buffer.from(ch), Buffer.from('pay,load')])
    // A pattern subscription does not produce 'message' events.
    expect(record(sub).events.filter((e) => e.event === 'message' || e.event === 'messageBuffer')).toEqual([])
  })

  test('the same events with the same argument types and values as real ioredis', async () => {
    const base = channelName('diff')
    const ch = `${base}:c`
    const pattern = `${base}:*`
    const payloads = ['plain', '', 'a,b,c', 'ünï 🚀', '{"k":[1,2]}', 'two\nlines']
    const ours = subscriber()
    const ioredis = ioredisSubscriber()
    for (const client of [ours, ioredis]) {
      await client.subscribe(ch)
      await client.psubscribe(pattern)
    }
    const pub = publisher()
    for (const payload of payloads) expect(await pub.publish(ch, payload)).toBe(4)
    const collect = async (client) => {
      await waitForEvents(client, 'messageBuffer', payloads.length, DEADLINE_MS)
      await waitForEvents(client, 'pmessageBuffer', payloads.length, DEADLINE_MS)
      // Channel and pattern messages travel on different streams here, so compare per event type.
      const byType = {}
      for (const e of record(client).events.filter((x) => x.event.includes('message'))) {
        ;(byType[e.event] ??= []).push(shape(e))
      }
      return byType
    }
    const expected = await collect(ioredis)
    expect(Object.keys(expected).sort()).toEqual(['message', 'messageBuffer', 'pmessage', 'pmessageBuffer'])
    expect(await collect(ours)).toEqual(expected)
  })

  test("'message' is emitted before 'messageBuffer' for each message, as in ioredis", async () => {
    const ch = channelName('order')
    const ours = subscriber()
    const ioredis = ioredisSubscriber()
    await ours.subscribe(ch)
    await ioredis.subscribe(ch)
    expect(await publisher().publish(ch, 'x')).toBe(2)
    const sequence = async (client) => {
      await waitForEvents(client, 'message', 1, DEADLINE_MS)
      await waitForEvents(client, 'messageBuffer', 1, DEADLINE_MS)
      return record(client)
        .events.filter((e) => e.event.includes('message'))
        .map((e) => e.event)
    }
    const expected = await sequence(ioredis)
    expect(expected).toEqual(['message', 'messageBuffer'])
    expect(await sequence(ours)).toEqual(expected)
  })

  test('messages published by another client of ours and by ioredis over TCP both arrive', async () => {
    const ch = channelName('sources')
    const sub = subscriber()
    await sub.subscribe(ch)
    expect(await publisher().publish(ch, 'from-rest')).toBe(1)
    expect(await waitForMessages(sub, 1, DEADLINE_MS)).toEqual([
      { channel: Buffer.from(ch), payload: Buffer.from('from-rest') },
    ])
    expect(await oracle.publish(ch, 'from-tcp')).toBe(1)
    const messages = await waitForMessages(sub, 2, DEADLINE_MS)
    expect(messages.map((m) => m.payload.toString())).toEqual(['from-rest', 'from-tcp'])
  })

  test('publish returns the number of receivers (ours, ioredis, a pattern subscriber)', async () => {
    const base = channelName('count')
    const ch = `${base}:c`
    const pub = publisher()
    expect(await pub.publish(ch, 'nobody')).toBe(0)
    await subscriber().subscribe(ch)
    expect(await pub.publish(ch, 'one')).toBe(1)
    await ioredisSubscriber().subscribe(ch)
    expect(await pub.publish(ch, 'two')).toBe(2)
    await subscriber().psubscribe(`${base}:*`)
    expect(await pub.publish(ch, 'three')).toBe(3)
    expect(await pub.publish(`${base}:other`, 'pattern only')).toBe(1)
  })

  test('unsubscribe(a) stops delivery of a while b still arrives', async () => {
    const [a, b] = [channelName('stop-a'), channelName('stop-b')]
    const sub = subscriber()
    const pub = publisher()
    expect(await sub.subscribe(a, b)).toBe(2)
    await pub.publish(a, 'a-before')
    await waitForMessages(sub, 1, DEADLINE_MS, { channel: a })
    expect(await sub.unsubscribe(a)).toBe(1)
    await waitForReceivers(oracle, a, 0) // the stream of a is closed at the server
    expect(await pub.publish(a, 'a-after')).toBe(0)
    expect(await oracle.publish(a, 'a-after-tcp')).toBe(0)
    expect(await pub.publish(b, 'b-after')).toBe(1)
    expect((await waitForMessages(sub, 1, DEADLINE_MS, { channel: b }))[0].payload.toString()).toBe('b-after')
    await quietPeriod(sub, QUIET_MS, { channel: a })
    expect(
      record(sub)
        .events.filter((e) => e.event === 'message')
        .map((e) => e.args),
    ).toEqual([
      [a, 'a-before'],
      [b, 'b-after'],
    ])
  })

  test('once unsubscribe(a) has resolved, no message of a is emitted any more (compared with ioredis)', async () => {
    // Messages already on their way when unsubscribe(a) is called: ioredis emits them before the
    // UNSUBSCRIBE acknowledgement resolves the call, so none can follow it. The event loop is kept
    // busy while they arrive, so they are waiting (in the socket / in the native buffer) for sure.
    const lateMessages = async (client) => {
      const a = channelName('in-flight')
      await client.subscribe(a)
      const burst = oracle.pipeline()
      for (let i = 0; i < 1000; i++) burst.publish(a, `m${i}`)
      const sent = burst.exec() // written to the socket now
      const until = Date.now() + 300
      while (Date.now() < until); // busy: everything published arrives meanwhile
      await client.unsubscribe(a)
      const resolvedAt = record(client).events.length
      expect((await sent).every(([err, n]) => err === null && n === 1)).toBe(true)
      await sleep(QUIET_MS)
      return record(client)
        .events.slice(resolvedAt)
        .filter((e) => e.event === 'messageBuffer').length
    }
    expect({ ioredis: await lateMessages(ioredisSubscriber()) }).toEqual({ ioredis: 0 })
    expect({ ours: await lateMessages(subscriber()) }).toEqual({ ours: 0 })
  })

  test('a callback as the last argument receives (err, count)', async () => {
    const [a, b] = [channelName('cb-a'), channelName('cb-b')]
    const pattern = `${channelName('cb-p')}*`
    const sub = subscriber()
    const viaCallback = (call) =>
      within(new Promise((resolve) => call((err, count) => resolve({ err, count }))), DEADLINE_MS, 'callback')
    expect(await viaCallback((cb) => sub.subscribe(a, b, cb))).toEqual({ err: null, count: 2 })
    expect(await viaCallback((cb) => sub.psubscribe(pattern, cb))).toEqual({ err: null, count: 3 })
    expect(await viaCallback((cb) => sub.unsubscribe(a, cb))).toEqual({ err: null, count: 2 })
    expect(await viaCallback((cb) => sub.punsubscribe(cb))).toEqual({ err: null, count: 1 })
    expect(await viaCallback((cb) => sub.unsubscribe(cb))).toEqual({ err: null, count: 0 })
    sub.disconnect()
    const { err, count } = await viaCallback((cb) => sub.subscribe(a, cb))
    expect(count).toBeUndefined()
    expect(err).toBeInstanceOf(Error)
    expect(err.message).toBe('Connection is closed.')
  })

  test('ordinary commands keep working on a subscribed client (unlike ioredis over RESP2)', async () => {
    const ch = channelName('cmds')
    const key = channelName('cmds-key')
    const sub = subscriber()
    await sub.subscribe(ch)
    await sub.psubscribe(`${ch}*`)
    expect(await sub.set(key, 'v')).toBe('OK')
    expect(await sub.get(key)).toBe('v')
    expect(await sub.incr(`${key}:n`)).toBe(1)
    expect(await sub.del(key, `${key}:n`)).toBe(2)
    // It can publish to itself: both its channel and its pattern stream receive the message.
    expect(await sub.publish(ch, 'self')).toBe(2)
    expect((await waitForMessages(sub, 1, DEADLINE_MS, { channel: ch }))[0].payload.toString()).toBe('self')
    expect((await waitForMessages(sub, 1, DEADLINE_MS, { pattern: `${ch}*` }))[0].payload.toString()).toBe('self')
  })

  test('a channel name containing a comma arrives with its own name and the exact payload', async () => {
    // The SSE data line is `message,<channel>,<payload>`; the client knows which channel each stream
    // is for, so a comma inside the channel name must not shift bytes into the payload.
    const ch = `${channelName('comma')},part-two`
    const sub = subscriber()
    expect(await sub.subscribe(ch)).toBe(1)
    expect(await publisher().publish(ch, 'payload')).toBe(1)
    const [args] = await waitForEvents(sub, 'message', 1, DEADLINE_MS)
    expect(args).toEqual([ch, 'payload'])
  })

  test('a pattern containing a comma arrives with its own pattern, the channel and the exact payload', async () => {
    // `pmessage,<pattern>,<channel>,<payload>`: the client knows the pattern of each stream, and this
    // channel has no comma, so the line is unambiguous. (A channel with a comma matched by a pattern
    // cannot be told apart from the payload in this wire format; that case is not asserted.)
    const base = channelName('pcomma')
    const pattern = `${base}[,x]*`
    const ch = `${base}xyz`
    const sub = subscriber()
    expect(await sub.psubscribe(pattern)).toBe(1)
    expect(await publisher().publish(ch, 'pay,load')).toBe(1)
    const [args] = await waitForEvents(sub, 'pmessage', 1, DEADLINE_MS)
    expect(args).toEqual([pattern, ch, 'pay,load'])
  })
})
