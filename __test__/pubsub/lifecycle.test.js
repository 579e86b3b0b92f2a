'use strict'
// The life of subscription streams: quit() and disconnect() close every one of them at the server
// (PUBSUB NUMSUB from redis-server directly), and a subscription keeps Node alive exactly as long as
// it is active. Process-exit cases run in a child `node -e` with a hard deadline (SIGKILL after it),
// since "the process hangs" or "exits too early" can only be seen from outside.
const {
  env,
  channelName,
  factory,
  record,
  waitForReceivers,
  receivers,
  rejectionOf,
  runNode,
  direct,
  within,
  sleep,
  waitUntil,
  messagesSoFar,
  oracleSubscriber,
  IORedis,
} = require('./support')
const { closedPort, runNodeWith, expectExitedCleanly } = require('../client/support/common')

const DEADLINE_MS = 5000
const CHILD_DEADLINE_MS = 15000 // the child is SIGKILLed after this: a hang fails, never stalls
const PROMPT_MS = 5000 // "exits by itself": node start-up plus a little, far below the deadline
const KEPT_ALIVE_MS = 1500 // the child's own (unref'd) timer: it only fires if something keeps Node up

const { subscriber, publisher } = factory()
let oracle
beforeAll(() => {
  oracle = direct()
})
afterAll(() => oracle.quit())

/** Resolves once no client of redis receives messages published to `channel` (channel or pattern). */
function waitForNoReceiversOfPublish(channel) {
  return waitUntil(async () => (await oracle.publish(channel, 'probe')) === 0, {
    timeoutMs: DEADLINE_MS,
    what: `PUBLISH ${channel} reaching nobody`,
  })
}

/** A client with three channels and a pattern, every stream confirmed at redis. */
async function fullySubscribed(prefix) {
  const base = channelName(prefix)
  const channels = [`${base}:a`, `${base}:b`, `${base}:c`]
  const pattern = `${base}:p:*`
  const sub = subscriber()
  expect(await sub.subscribe(...channels)).toBe(3)
  expect(await sub.psubscribe(pattern)).toBe(4)
  for (const ch of channels) expect(await receivers(oracle, ch)).toBe(1)
  expect(await oracle.publish(`${base}:p:x`, 'probe')).toBe(1)
  return { sub, channels, patternChannel: `${base}:p:x` }
}

/** Every stream of a closed client is gone at redis, no event follows, and subscribe() refuses. */
async function expectAllClosed({ sub, channels, patternChannel }) {
  for (const ch of channels) await waitForReceivers(oracle, ch, 0)
  await waitForNoReceiversOfPublish(patternChannel)
  const since = record(sub).events.length
  await publisher().publish(channels[0], 'after close')
  await sleep(300)
  expect(
    record(sub)
      .events.slice(since)
      .filter((e) => e.event.includes('message')),
  ).toEqual([])
  const error = await rejectionOf(sub.subscribe(channels[0]))
  expect(error.message).toBe('Connection is closed.')
}

describe('closing a subscribed client', () => {
  test('quit() resolves OK and closes every stream (NUMSUB reaches 0)', async () => {
    const subscribed = await fullySubscribed('quit')
    expect(await within(subscribed.sub.quit(), DEADLINE_MS, 'quit()')).toBe('OK')
    await expectAllClosed(subscribed)
  })

  test('disconnect() closes every stream (NUMSUB reaches 0)', async () => {
    const subscribed = await fullySubscribed('disconnect')
    subscribed.sub.disconnect()
    await expectAllClosed(subscribed)
  })

  test("'end' follows quit() on a subscribed client", async () => {
    const { sub } = await fullySubscribed('end')
    const ended = new Promise((resolve) => sub.once('end', resolve))
    await sub.quit()
    await within(ended, DEADLINE_MS, "'end' event")
    expect(sub.status).toBe('end')
  })

  test('disconnect(true) re-subscribes every channel and pattern, as ioredis does (autoResubscribe)', async () => {
    const base = channelName('disconnect-true')
    const [ch, pattern] = [`${base}:c`, `${base}:p:*`]
    const ioredis = oracleSubscriber()
    const pub = publisher()
    try {
      for (const client of [ioredis, subscriber()]) {
        await client.subscribe(ch)
        await client.psubscribe(pattern)
        const readyAgain = new Promise((resolve) => client.once('ready', resolve))
        client.disconnect(true)
        await within(readyAgain, DEADLINE_MS, "'ready' after disconnect(true)")
        // Resubscribing is asynchronous in ioredis too: poll by publishing until the message lands.
        await waitUntil(
          async () => {
            await pub.publish(`${base}:p:x`, 'back')
            await pub.publish(ch, 'back')
            await sleep(50)
            return messagesSoFar(client, { channel: ch }).length > 0 && messagesSoFar(client, { pattern }).length > 0
          },
          {
            timeoutMs: DEADLINE_MS,
            what: `${client === ioredis ? 'ioredis' : 'our client'} receiving after disconnect(true)`,
          },
        )
      }
    } finally {
      ioredis.disconnect()
    }
  })

  test('connect() while disconnect(true) brings the client back is refused, and loses no subscription', async () => {
    const ch = channelName('reconnecting-connect')
    const client = subscriber()
    const pub = publisher()
    await client.subscribe(ch)
    const readyAgain = new Promise((resolve) => client.once('ready', resolve))
    client.disconnect(true)
    expect(client.status).toBe('reconnecting')
    expect((await rejectionOf(client.connect())).message).toBe('Redis is already connecting/connected')
    await within(readyAgain, DEADLINE_MS, "'ready' after disconnect(true)")
    await waitUntil(
      async () => {
        await pub.publish(ch, 'back')
        await sleep(50)
        return messagesSoFar(client, { channel: ch }).length > 0
      },
      { timeoutMs: DEADLINE_MS, what: 'receiving after disconnect(true) and connect()' },
    )
  })

  test("disconnect(true) on a subscribed client: 'close', 'reconnecting', 'connecting', 'connect', 'ready' as in ioredis, no 'end', and commands issued meanwhile succeed", async () => {
    const ch = channelName('disconnect-true-events')
    const EVENTS = ['close', 'reconnecting', 'connecting', 'connect', 'ready', 'end']
    const ioredis = oracleSubscriber()
    const observed = []
    try {
      for (const client of [ioredis, subscriber()]) {
        await client.subscribe(ch)
        const seen = []
        const replies = []
        const issue = (label) =>
          replies.push(client.set(`${ch}:${label}`, label).then(String, (e) => `rejected: ${e.message}`))
        for (const event of EVENTS) {
          client.on(event, () => {
            seen.push(event)
            if (event !== 'ready') issue(event)
          })
        }
        const readyAgain = new Promise((resolve) => client.once('ready', resolve))
        client.disconnect(true)
        issue('right after disconnect(true)')
        await within(readyAgain, DEADLINE_MS, "'ready' after disconnect(true)")
        observed.push({ seen, replies: await within(Promise.all(replies), DEADLINE_MS, 'the commands') })
      }
    } finally {
      ioredis.disconnect()
    }
    const [theirs, ours] = observed
    expect(theirs.seen).toEqual(['close', 'reconnecting', 'connecting', 'connect', 'ready'])
    expect(ours).toEqual(theirs)
  })

  test('disconnect(true) on a lazyConnect client that never connected: the same events as ioredis, then usable', async () => {
    const key = channelName('lazy-reconnect')
    const EVENTS = ['close', 'reconnecting', 'connecting', 'connect', 'ready', 'end']
    const { redisUrl, url, token } = env()
    const clients = [new IORedis(redisUrl, { lazyConnect: true }), subscriber({ url, token, lazyConnect: true })]
    const observed = []
    try {
      for (const client of clients) {
        const seen = []
        for (const event of EVENTS) client.on(event, () => seen.push(event))
        const ready = new Promise((resolve) => client.once('ready', resolve))
        client.disconnect(true)
        await within(ready, DEADLINE_MS, "'ready' after disconnect(true)")
        observed.push({ seen, reply: await client.set(key, 'v') })
      }
    } finally {
      clients[0].disconnect()
    }
    expect(observed[1]).toEqual(observed[0])
  })

  test('a subscribe() still unconfirmed at disconnect(true) resolves once subscribed again, as in ioredis', async () => {
    const ch = channelName('disconnect-true-pending')
    const ioredis = oracleSubscriber()
    const pub = publisher()
    try {
      for (const client of [ioredis, subscriber()]) {
        if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve))
        const pending = client.subscribe(ch).then(
          (n) => n,
          (e) => `rejected: ${e.message}`,
        )
        client.disconnect(true)
        expect(await within(pending, DEADLINE_MS, 'the pending subscribe()')).toBe(1)
        await waitUntil(
          async () => {
            await pub.publish(ch, 'after')
            await sleep(50)
            return messagesSoFar(client, { channel: ch }).length > 0
          },
          { timeoutMs: DEADLINE_MS, what: 'a message after disconnect(true)' },
        )
      }
    } finally {
      ioredis.disconnect()
    }
  })

  test('quit() while a subscribe() is still unconfirmed rejects it and leaves no stream behind', async () => {
    const ch = channelName('quit-pending')
    const sub = subscriber()
    const pending = sub.subscribe(ch)
    const quitting = sub.quit()
    const error = await within(rejectionOf(pending), DEADLINE_MS, 'the pending subscribe()')
    expect(error.message).toBe('Connection is closed.')
    expect(await quitting).toBe('OK')
    await sleep(500)
    expect(await receivers(oracle, ch)).toBe(0)
  })
})

describe('process exit', () => {
  /**
   * Runs `script` in a child with `url`, `token`, `ch` (a fresh channel) and `pub` (a second client
   * for publishing) defined. Asserts a clean exit before the deadline; returns the child's result.
   */
  async function run(script, { url = env().url, ch = channelName('exit'), whileRunning } = {}) {
    const child = runNodeWith(
      { url, token: env().token, ch },
      `const log = (...args) => console.log(...args);
       ${script}`,
      { timeoutMs: CHILD_DEADLINE_MS },
    )
    if (whileRunning) await whileRunning(ch)
    const result = await child
    result.endedAt = Date.now()
    return expectExitedCleanly(result)
  }

  test('a client that never subscribed lets the process exit at once', async () => {
    const { stdout, ms } = await run(`
      const client = new Redis({ url, token });
      client.set(ch + ':key', 'v').then((reply) => log('set', reply));
    `)
    expect(stdout).toBe('set OK\n')
    expect(ms).toBeLessThan(PROMPT_MS)
  })

  test('unsubscribe() on a client that never subscribed lets the process exit at once', async () => {
    const { stdout, ms } = await run(`
      const client = new Redis({ url, token });
      client.unsubscribe().then((n) => log('unsubscribe', n));
    `)
    expect(stdout).toBe('unsubscribe 0\n')
    expect(ms).toBeLessThan(PROMPT_MS)
  })

  test('subscribed, then unsubscribed from everything: the process exits by itself', async () => {
    const { stdout, ms } = await run(`
      const client = new Redis({ url, token });
      (async () => {
        log('subscribe', await client.subscribe(ch, ch + ':2'));
        log('psubscribe', await client.psubscribe(ch + ':*'));
        log('unsubscribe', await client.unsubscribe());
        log('punsubscribe', await client.punsubscribe());
      })();
    `)
    expect(stdout).toBe('subscribe 2\npsubscribe 3\nunsubscribe 1\npunsubscribe 0\n')
    expect(ms).toBeLessThan(PROMPT_MS)
  })

  test('an active subscription keeps the process alive (still running after 1.5 s) until quit(), then it exits', async () => {
    // The timer is unref'd: it fires only because the subscription holds Node open. On the message
    // it sends to itself, the child quits, and nothing else may keep it running.
    const { stdout, ms, endedAt } = await run(
      `
      const client = new Redis({ url, token });
      const pub = new Redis({ url, token });
      const started = Date.now();
      client.on('message', async (channel, message) => {
        log('message', message);
        await pub.quit();
        log('quit', await client.quit(), Date.now());
      });
      client.subscribe(ch).then((n) => {
        log('subscribed', n);
        setTimeout(() => pub.publish(ch, 'alive after ' + (Date.now() - started >= ${KEPT_ALIVE_MS})), ${KEPT_ALIVE_MS}).unref();
      });
    `,
      // Seen from outside while the child runs: its stream is open at redis.
      { whileRunning: (ch) => waitForReceivers(oracle, ch, 1, CHILD_DEADLINE_MS) },
    )
    const match = /^subscribed 1\nmessage alive after true\nquit OK (\d+)\n$/.exec(stdout)
    expect({ stdout, matches: match !== null }).toEqual({ stdout, matches: true })
    expect(ms).toBeGreaterThanOrEqual(KEPT_ALIVE_MS)
    expect(endedAt - Number(match[1])).toBeLessThan(PROMPT_MS) // exited promptly after quit()
  })

  test('an active pattern subscription keeps the process alive until punsubscribe(), then it exits', async () => {
    const { stdout, ms } = await run(`
      const client = new Redis({ url, token });
      const started = Date.now();
      client.psubscribe(ch + ':*').then((n) => {
        log('psubscribed', n);
        setTimeout(async () => {
          log('alive', Date.now() - started >= ${KEPT_ALIVE_MS});
          log('punsubscribe', await client.punsubscribe());
        }, ${KEPT_ALIVE_MS}).unref();
      });
    `)
    expect(stdout).toBe('psubscribed 1\nalive true\npunsubscribe 0\n')
    expect(ms).toBeGreaterThanOrEqual(KEPT_ALIVE_MS)
  })

  test('disconnect() of a subscribed client lets the process exit', async () => {
    const { stdout, ms } = await run(`
      const client = new Redis({ url, token });
      client.subscribe(ch).then((n) => {
        log('subscribed', n);
        client.disconnect();
      });
    `)
    expect(stdout).toBe('subscribed 1\n')
    expect(ms).toBeLessThan(PROMPT_MS)
  })

  test("disconnect() of both clients in 'message', before the publisher's PUBLISH resolved: no unhandled rejection", async () => {
    // The publisher's answer travels 300 ms slower than the subscriber's stream, so 'message'
    // always comes first (what a loaded server does by chance); an unhandled rejection kills Node.
    const { stdout } = await run(`
      const { startTcpProxy } = require(${JSON.stringify(require.resolve('./tcp-proxy'))});
      (async () => {
        const slow = await startTcpProxy(url, { latencyMs: 300 });
        const sub = new Redis({ url, token });
        const pub = new Redis({ url: slow.url, token });
        await sub.subscribe(ch);
        sub.on('message', (channel, message) => {
          log('message', message);
          pub.disconnect();
          sub.disconnect();
          setTimeout(() => slow.close(), 1000);
        });
        pub.publish(ch, 'hi');
      })();
    `)
    expect(stdout).toBe('message hi\n')
  })

  test('a subscribe() that failed (nothing listening) does not keep the process alive', async () => {
    const port = await closedPort()
    const { stdout, ms } = await run(
      `
      const client = new Redis({ url, token });
      client.subscribe(ch).then((n) => log('subscribed', n), (e) => log('rejected', e.code));
    `,
      { url: `http://127.0.0.1:${port}` },
    )
    expect(stdout).toMatch(/^rejected (ECONNREFUSED|ECONNECT)\n$/)
    expect(ms).toBeLessThan(PROMPT_MS)
  })

  test('a subscribe() refused for a wrong token does not keep the process alive', async () => {
    const result = await runNode(
      `const client = new Redis({ url: process.env.T_URL, token: 'wrong-token' });
       client.subscribe('x').then((n) => console.log('subscribed', n), (e) => console.log('rejected', e.code));`,
      { env: { T_URL: env().url }, timeoutMs: CHILD_DEADLINE_MS },
    )
    expect({ timedOut: result.timedOut, code: result.code, stdout: result.stdout }).toEqual({
      timedOut: false,
      code: 0,
      stdout: 'rejected EUNAUTHORIZED\n',
    })
    expect(result.ms).toBeLessThan(PROMPT_MS)
  })
})
