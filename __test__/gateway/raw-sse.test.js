'use strict'
// Server-Sent Events over raw HTTP: /subscribe/<ch>, /psubscribe/<pat>, and cleanup on disconnect.
const { uniqueKey } = require('../support')
const { cmd, openStream, waitUntil, expectResult, BASE64 } = require('./support')

const streams = []
const open = async (path, opts) => {
  const s = await openStream(path, opts)
  streams.push(s)
  return s
}
afterEach(() => {
  while (streams.length) streams.pop().close()
})

const numsub = async (ch) => (await cmd(['PUBSUB', 'NUMSUB', ch])).json.result[1]
const publish = async (ch, msg) => (await cmd(['PUBLISH', ch, msg])).json.result

describe('SSE', () => {
  test('/subscribe/<ch>: event-stream, subscribe event, then messages as published', async () => {
    const ch = uniqueKey('sse-ch')
    const s = await open(`/subscribe/${ch}`)
    expect(s.status).toBe(200)
    expect(s.headers['content-type']).toMatch(/^text\/event-stream/)
    await s.waitFor(`subscribe,${ch},1`)
    expect(s.events[0]).toBe(`subscribe,${ch},1`)
    expect(await publish(ch, 'hello')).toBe(1)
    await s.waitFor(`message,${ch},hello`)
  })

  test('payloads with commas, quotes, JSON and unicode arrive intact and in order', async () => {
    const ch = uniqueKey('sse-payload')
    const s = await open(`/subscribe/${ch}`)
    await s.waitFor(`subscribe,${ch},1`)
    const payloads = ['a,b,,c', '{"x":[1,2],"y":"p,q"}', 'héllo wörld 日本 🚀', ' leading and trailing ', '"quoted"']
    for (const p of payloads) expect(await publish(ch, p)).toBe(1)
    const last = `message,${ch},${payloads[payloads.length - 1]}`
    await s.waitFor(last)
    expect(s.events.filter((e) => e.startsWith('message,'))).toEqual(payloads.map((p) => `message,${ch},${p}`))
  })

  test('payloads are raw even when the request asks for base64', async () => {
    const ch = uniqueKey('sse-b64')
    const s = await open(`/subscribe/${ch}`, { headers: BASE64 })
    await s.waitFor(`subscribe,${ch},1`)
    await publish(ch, 'plain text')
    await s.waitFor(`message,${ch},plain text`)
  })

  test('each stream has its own subscription (two subscribers both count 1)', async () => {
    const ch = uniqueKey('sse-two')
    const a = await open(`/subscribe/${ch}`)
    const b = await open(`/subscribe/${ch}`)
    await a.waitFor(`subscribe,${ch},1`)
    await b.waitFor(`subscribe,${ch},1`)
    expect(await publish(ch, 'both')).toBe(2)
    await a.waitFor(`message,${ch},both`)
    await b.waitFor(`message,${ch},both`)
  })

  test('/subscribe/<a>/<b>: several channels on one stream', async () => {
    const [a, b] = [uniqueKey('sse-a'), uniqueKey('sse-b')]
    const s = await open(`/subscribe/${a}/${b}`)
    await s.waitFor(`subscribe,${b},2`)
    expect(s.events.slice(0, 2)).toEqual([`subscribe,${a},1`, `subscribe,${b},2`])
    await publish(b, 'to b')
    await publish(a, 'to a')
    await s.waitFor(`message,${a},to a`)
    expect(s.events.filter((e) => e.startsWith('message,'))).toEqual([`message,${b},to b`, `message,${a},to a`])
  })

  test('/psubscribe/<pat>: psubscribe event and pmessage with pattern and channel', async () => {
    const prefix = uniqueKey('sse-pat')
    const pat = `${prefix}:*`
    const ch = `${prefix}:room1`
    const s = await open(`/psubscribe/${pat}`)
    expect(s.status).toBe(200)
    expect(s.headers['content-type']).toMatch(/^text\/event-stream/)
    await s.waitFor(`psubscribe,${pat},1`)
    expect(await publish(ch, 'x,y')).toBe(1)
    await s.waitFor(`pmessage,${pat},${ch},x,y`)
    expect(await publish(`${uniqueKey('sse-other')}:room1`, 'nope')).toBe(0)
  })

  test('closing the HTTP request ends the subscription on redis', async () => {
    const ch = uniqueKey('sse-close')
    const s = await open(`/subscribe/${ch}`)
    await s.waitFor(`subscribe,${ch},1`)
    expect(await numsub(ch)).toBe(1)
    s.close()
    await waitUntil(async () => (await numsub(ch)) === 0, { timeoutMs: 5000, what: `NUMSUB ${ch} = 0` })
    expect(await publish(ch, 'gone')).toBe(0)
  })

  test('closing a pattern stream ends the pattern subscription', async () => {
    const prefix = uniqueKey('sse-pclose')
    const s = await open(`/psubscribe/${prefix}:*`)
    await s.waitFor(`psubscribe,${prefix}:*,1`)
    expect(await publish(`${prefix}:a`, 'm')).toBe(1)
    s.close()
    await waitUntil(async () => (await publish(`${prefix}:a`, 'm')) === 0, {
      timeoutMs: 5000,
      what: 'no pattern receivers',
    })
  })

  test('streams do not take the gateway down: many open streams, commands still served', async () => {
    const ch = uniqueKey('sse-many')
    const many = await Promise.all(Array.from({ length: 10 }, () => open(`/subscribe/${ch}`)))
    await Promise.all(many.map((s) => s.waitFor(`subscribe,${ch},1`)))
    expectResult(await cmd(['PING']), 'PONG')
    expect(await publish(ch, 'fanout')).toBe(10)
    await Promise.all(many.map((s) => s.waitFor(`message,${ch},fanout`)))
    for (const s of many) s.close()
    await waitUntil(async () => (await numsub(ch)) === 0, { timeoutMs: 5000, what: `NUMSUB ${ch} = 0` })
  })
})
