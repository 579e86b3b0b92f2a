'use strict'
// The ioredis life cycle on a stateless REST client: statuses and events, quit() draining,
// disconnect() abandoning, lazyConnect, duplicate(), and the read-your-writes sync token.
const { env, uniqueKey } = require('../support')
const { clients, rejectionOf, within, waitUntil, useProxyAndOracle } = require('./support/common')

const make = clients()
const { url, token } = env()
const LIFECYCLE_EVENTS = ['connect', 'ready', 'close', 'end']

const { proxy, oracle } = useProxyAndOracle()

/** Records `[event, status at that moment]` for the life-cycle events. */
function recordEvents(client) {
  const seen = []
  for (const name of LIFECYCLE_EVENTS) client.on(name, () => seen.push([name, client.status]))
  return seen
}

const nextEvent = (client, name, ms = 2000) =>
  within(new Promise((resolve) => client.once(name, resolve)), ms, `'${name}' event`)

describe('status and events', () => {
  test("'connecting' at once, then 'connect' and 'ready' in that order", async () => {
    const client = make({ url, token })
    const seen = recordEvents(client)
    expect(client.status).toBe('connecting')
    await nextEvent(client, 'ready')
    expect(seen).toEqual([
      ['connect', 'connect'],
      ['ready', 'ready'],
    ])
    expect(client.status).toBe('ready')
  })

  test("commands issued before 'ready' still run", async () => {
    const client = make({ url, token })
    const key = uniqueKey('early')
    expect(client.status).not.toBe('ready')
    await expect(client.set(key, 'v')).resolves.toBe('OK')
    expect(await oracle().get(key)).toBe('v')
  })

  test("quit() → 'close' then 'end', status 'end'", async () => {
    const client = make({ url, token })
    await nextEvent(client, 'ready')
    const seen = recordEvents(client)
    const ended = nextEvent(client, 'end')
    await expect(client.quit()).resolves.toBe('OK')
    await ended
    expect(seen.map(([name]) => name)).toEqual(['close', 'end'])
    expect(client.status).toBe('end')
  })

  test("quit(callback): the callback runs before 'close' and 'end', as in ioredis", async () => {
    const client = make({ url, token })
    await nextEvent(client, 'ready')
    const seen = []
    client.on('close', () => seen.push('close'))
    client.on('end', () => seen.push('end'))
    const ended = nextEvent(client, 'end')
    client.quit((error, reply) => seen.push(`callback:${reply}`))
    await ended
    expect(seen).toEqual(['callback:OK', 'close', 'end'])
  })

  test('quit() resolves through a callback too', async () => {
    const client = make({ url, token })
    const reply = await within(
      new Promise((resolve, reject) => client.quit((e, r) => (e ? reject(e) : resolve(r)))),
      2000,
    )
    expect(reply).toBe('OK')
  })
})

describe('quit()', () => {
  test('waits for 100 pending commands: all resolve, in order, before quit resolves OK', async () => {
    const client = make({ url, token })
    const key = uniqueKey('quit-drain')
    const order = []
    const pending = Array.from({ length: 100 }, (_, i) =>
      client.incr(key).then((n) => {
        order.push(i)
        return n
      }),
    )
    const quit = client.quit().then((reply) => {
      order.push('quit')
      return reply
    })
    const results = await within(Promise.all(pending), 10000, '100 commands')
    expect(results).toEqual(Array.from({ length: 100 }, (_, i) => i + 1))
    expect(await within(quit, 5000, 'quit')).toBe('OK')
    expect(order).toEqual([...Array.from({ length: 100 }, (_, i) => i), 'quit'])
    expect(await oracle().get(key)).toBe('100')
  })

  test('commands after quit() reject with "Connection is closed." and are not sent', async () => {
    const client = make({ url: proxy().url, token })
    const key = uniqueKey('after-quit')
    await client.ping()
    const quitting = client.quit()
    const duringQuit = await rejectionOf(client.set(key, 'during'))
    await quitting
    const afterQuit = await rejectionOf(client.set(key, 'after'))
    for (const error of [duringQuit, afterQuit]) {
      expect(error).toBeInstanceOf(Error)
      expect(error.message).toBe('Connection is closed.')
    }
    expect(proxy().requestsFor(key)).toEqual([])
    expect(await oracle().exists(key)).toBe(0)
  })

  test('quit() on a client that never sent anything resolves OK and ends', async () => {
    const client = make({ url, token, lazyConnect: true })
    const ended = nextEvent(client, 'end')
    await expect(client.quit()).resolves.toBe('OK')
    await ended
    expect(client.status).toBe('end')
  })
})

describe('disconnect()', () => {
  test('rejects commands not yet sent and ends', async () => {
    const client = make({ url: proxy().url, token })
    const key = uniqueKey('disconnect')
    const seen = recordEvents(client)
    const pending = [client.set(key, 'v'), client.get(key), client.incr(`${key}:n`)]
    client.disconnect()
    const errors = await within(Promise.all(pending.map(rejectionOf)), 2000, 'rejections')
    for (const error of errors) expect(error.message).toBe('Connection is closed.')
    await waitUntil(() => seen.some(([name]) => name === 'end'), { timeoutMs: 2000, what: "'end'" })
    expect(client.status).toBe('end')
    expect(seen.map(([name]) => name).filter((n) => n === 'close' || n === 'end')).toEqual(['close', 'end'])
    expect(proxy().requestsFor(key)).toEqual([])
  })

  test('rejects a command already in flight at once instead of waiting for its reply', async () => {
    proxy().mode = 'stall'
    const client = make({ url: proxy().url, token })
    const key = uniqueKey('disconnect-inflight')
    const inflight = rejectionOf(client.get(key))
    await waitUntil(() => proxy().requestsFor(key).length > 0, { timeoutMs: 2000, what: 'request at the proxy' })
    const started = Date.now()
    client.disconnect()
    const error = await within(inflight, 1000, 'rejection of the in-flight command')
    expect(error.message).toBe('Connection is closed.')
    expect(Date.now() - started).toBeLessThan(500)
    await expect(client.get(key)).rejects.toThrow('Connection is closed.')
  })
})

describe('lazyConnect', () => {
  test("stays 'wait' with no events until the first command, which then runs", async () => {
    const client = make({ url, token, lazyConnect: true })
    const seen = recordEvents(client)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(client.status).toBe('wait')
    expect(seen).toEqual([])
    const key = uniqueKey('lazy')
    await expect(client.set(key, 'v')).resolves.toBe('OK')
    expect(seen.map(([name]) => name)).toEqual(['connect', 'ready'])
    expect(client.status).toBe('ready')
  })

  test('connect() on a lazy client resolves and makes it ready', async () => {
    const client = make({ url, token, lazyConnect: true })
    await within(client.connect(), 2000, 'connect()')
    expect(client.status).toBe('ready')
    expect(await client.ping()).toBe('PONG')
  })
})

describe('duplicate()', () => {
  test('gives an independent, working client with the same options', async () => {
    const original = make({ url, token, keyPrefix: uniqueKey('dup') + ':', commandTimeout: 5000 })
    const copy = original.duplicate()
    try {
      expect(copy).not.toBe(original)
      expect(copy.options).toEqual(original.options)
      await original.quit()
      // The copy is unaffected by the original's quit, and shares its prefix.
      await expect(copy.set('k', 'v')).resolves.toBe('OK')
      expect(await oracle().get(`${original.options.keyPrefix}k`)).toBe('v')
      await expect(original.get('k')).rejects.toThrow('Connection is closed.')
    } finally {
      copy.disconnect()
    }
  })

  test('applies overrides', async () => {
    const original = make({ url, token })
    const prefix = uniqueKey('dup-override') + ':'
    const copy = original.duplicate({ keyPrefix: prefix })
    try {
      expect(copy.options.keyPrefix).toBe(prefix)
      expect(original.options.keyPrefix).toBe('')
      await copy.set('k', 'v')
      expect(await oracle().get(`${prefix}k`)).toBe('v')
    } finally {
      copy.disconnect()
    }
  })
})

describe('readYourWritesSyncToken', () => {
  test('is empty before any request, non-empty after one, and changes with each request', async () => {
    const client = make({ url, token })
    expect(client.readYourWritesSyncToken).toBe('')
    const key = uniqueKey('sync')
    await client.set(key, '1')
    const first = client.readYourWritesSyncToken
    expect(typeof first).toBe('string')
    expect(first).not.toBe('')
    await client.get(key)
    const second = client.readYourWritesSyncToken
    expect(second).not.toBe('')
    expect(second).not.toBe(first)
  })

  test('setting it on another client makes that client send it on its next request', async () => {
    const writer = make({ url, token })
    const key = uniqueKey('sync-share')
    await writer.set(key, 'written')
    const shared = writer.readYourWritesSyncToken
    expect(shared).not.toBe('')

    const reader = make({ url: proxy().url, token })
    reader.readYourWritesSyncToken = shared
    expect(reader.readYourWritesSyncToken).toBe(shared)
    expect(await reader.get(key)).toBe('written')
    const [request] = proxy().requestsFor(key)
    expect(request.headers['upstash-sync-token']).toBe(shared)
    // The reader then carries on with the token the gateway gave it.
    expect(reader.readYourWritesSyncToken).not.toBe('')
  })

  test('setting it on a lazy client before its first command works too', async () => {
    const reader = make({ url: proxy().url, token, lazyConnect: true })
    const key = uniqueKey('sync-lazy')
    reader.readYourWritesSyncToken = 'abc-42'
    expect(reader.readYourWritesSyncToken).toBe('abc-42')
    await reader.get(key)
    expect(proxy().requestsFor(key)[0].headers['upstash-sync-token']).toBe('abc-42')
  })

  test('readYourWrites: false sends no sync token', async () => {
    const client = make({ url: proxy().url, token, readYourWrites: false })
    const key = uniqueKey('sync-off')
    await client.set(key, '1')
    await client.get(key)
    const requests = proxy().requestsFor(key)
    expect(requests).toHaveLength(2)
    for (const request of requests) expect(request.headers['upstash-sync-token']).toBeUndefined()
  })
})
