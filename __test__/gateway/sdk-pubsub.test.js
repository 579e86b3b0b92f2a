'use strict'
// Pub/sub through the official SDK: redis.subscribe()/psubscribe() read the gateway's SSE streams.
const { uniqueKey } = require('../support')
const { sdk, waitUntil } = require('./support')

const redis = sdk()
const publisher = sdk()
const subscribers = []

/** Subscribes and resolves `{sub, next(type, pred)}` once every stream has confirmed. */
async function subscribe(kind, names) {
  const sub = kind === 'pattern' ? redis.psubscribe(names) : redis.subscribe(names)
  subscribers.push(sub)
  const seen = []
  const waiters = []
  for (const type of ['subscribe', 'psubscribe', 'message', 'pmessage', 'error']) {
    sub.on(type, (data) => {
      seen.push({ type, data })
      for (const w of [...waiters]) {
        if (w.type === type && w.pred(data)) {
          waiters.splice(waiters.indexOf(w), 1)
          clearTimeout(w.timer)
          w.resolve(data)
        }
      }
    })
  }
  const next = (type, pred = () => true, ms = 5000) => {
    const hit = seen.find((e) => e.type === type && pred(e.data))
    if (hit) return Promise.resolve(hit.data)
    return new Promise((resolve, reject) => {
      const w = { type, pred, resolve }
      w.timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(w), 1)
        reject(new Error(`no ${type} event within ${ms} ms; saw ${JSON.stringify(seen)}`))
      }, ms)
      waiters.push(w)
    })
  }
  const confirm = kind === 'pattern' ? 'psubscribe' : 'subscribe'
  const list = Array.isArray(names) ? names : [names]
  await waitUntil(() => seen.filter((e) => e.type === confirm).length >= list.length, {
    timeoutMs: 5000,
    what: `${list.length} ${confirm} confirmation(s)`,
  })
  return { sub, seen, next }
}

// unsubscribe() aborts the stream and the SDK console.errors its own AbortError (a DOMException is
// not an Error in Node 20, so its filter misses it). Drop exactly that line, keep everything else.
const consoleError = console.error
beforeAll(() => {
  jest.spyOn(console, 'error').mockImplementation((...args) => {
    if (String(args[0]).startsWith('Stream reading error:') && args[1] && args[1].name === 'AbortError') return
    consoleError(...args)
  })
})
afterAll(() => console.error.mockRestore())

afterEach(async () => {
  while (subscribers.length) await subscribers.pop().unsubscribe()
})

describe('SDK pub/sub', () => {
  test('subscribe: confirmation count, then messages from another client', async () => {
    const ch = uniqueKey('ps')
    const { seen, next } = await subscribe('channel', ch)
    expect(seen.find((e) => e.type === 'subscribe').data).toBe(1)
    expect(await publisher.publish(ch, 'hello, wörld 🚀 "q"')).toBe(1)
    expect(await next('message')).toEqual({ channel: ch, message: 'hello, wörld 🚀 "q"' })
  })

  test('JSON payloads with commas are deserialized intact', async () => {
    const ch = uniqueKey('ps-json')
    const { next } = await subscribe('channel', ch)
    const doc = { text: 'a,b,c', list: [1, 'x,y'], emoji: '🎉' }
    await publisher.publish(ch, doc)
    expect(await next('message')).toEqual({ channel: ch, message: doc })
  })

  test('several channels in one subscribe call', async () => {
    const [a, b] = [uniqueKey('ps-a'), uniqueKey('ps-b')]
    const { next } = await subscribe('channel', [a, b])
    await publisher.publish(b, 'to b')
    await publisher.publish(a, 'to a')
    expect(await next('message', (m) => m.channel === a)).toEqual({ channel: a, message: 'to a' })
    expect(await next('message', (m) => m.channel === b)).toEqual({ channel: b, message: 'to b' })
  })

  test('psubscribe: pmessage carries pattern and channel', async () => {
    const prefix = uniqueKey('ps-pat')
    const pattern = `${prefix}:*`
    const { seen, next } = await subscribe('pattern', pattern)
    expect(seen.find((e) => e.type === 'psubscribe').data).toBe(1)
    expect(await publisher.publish(`${prefix}:room`, { n: 1, s: 'x,y' })).toBe(1)
    expect(await next('pmessage')).toEqual({ pattern, channel: `${prefix}:room`, message: { n: 1, s: 'x,y' } })
  })

  test('unsubscribe stops delivery (the gateway drops the redis subscription)', async () => {
    const ch = uniqueKey('ps-unsub')
    const { sub, next } = await subscribe('channel', ch)
    expect(await publisher.publish(ch, 'before')).toBe(1)
    await next('message')
    await sub.unsubscribe([ch])
    await waitUntil(async () => (await publisher.publish(ch, 'after')) === 0, { timeoutMs: 5000, what: 'no receivers' })
  })
})
