'use strict'
// Volume: bursts published in one tick (auto-pipelined into /pipeline requests by our client)
// arrive complete, in publish order, with their exact content, over one SSE stream per channel.
const crypto = require('node:crypto')
const { channelName, factory, record, waitForMessages, sleep, direct } = require('./support')

const BURST = 10000
const DEADLINE_MS = 30000 // the whole burst; a local run takes well under a second

const { subscriber, publisher } = factory()

/** Message i: its index, a digest of the index, and now and then a comma, a newline or unicode. */
function payloadFor(i) {
  const digest = crypto.createHash('sha1').update(String(i)).digest('hex').slice(0, 12)
  const extra = i % 7 === 0 ? ',with,commas' : i % 11 === 0 ? '\nsecond line' : i % 13 === 0 ? ' ünï 🚀' : ''
  return `${i}:${digest}${extra}`
}

/** Asserts `messages` are exactly payloads 0..n-1 in order (reports the first difference only). */
function expectInOrder(messages, payloads) {
  const got = messages.map((m) => m.payload.toString())
  const firstBad = got.findIndex((p, i) => p !== payloads[i])
  expect({
    count: got.length,
    firstMismatch: firstBad === -1 ? null : { index: firstBad, got: got[firstBad], expected: payloads[firstBad] },
  }).toEqual({
    count: payloads.length,
    firstMismatch: null,
  })
}

describe('volume', () => {
  test(`${BURST} messages published in one burst arrive complete, in order, with correct content`, async () => {
    const ch = channelName('burst')
    const pattern = `${ch}*`
    const bySub = subscriber()
    const byPattern = subscriber()
    await bySub.subscribe(ch)
    await byPattern.psubscribe(pattern)
    const payloads = Array.from({ length: BURST }, (_, i) => payloadFor(i))
    const pub = publisher()
    // All issued in the same tick: the client batches them into pipeline requests.
    const counts = await Promise.all(payloads.map((p) => pub.publish(ch, p)))
    expect(counts.every((n) => n === 2)).toBe(true)

    expectInOrder(await waitForMessages(bySub, BURST, DEADLINE_MS, { channel: ch }), payloads)
    expectInOrder(await waitForMessages(byPattern, BURST, DEADLINE_MS, { pattern }), payloads)
    await sleep(200) // and nothing more: no duplicates
    expect(record(bySub).events.filter((e) => e.event === 'messageBuffer')).toHaveLength(BURST)
    expect(record(bySub).events.filter((e) => e.event === 'error')).toEqual([])
  })

  test(`${BURST} messages arriving while the subscriber's event loop is blocked for 1 s are all delivered, in order`, async () => {
    const ch = channelName('blocked')
    const sub = subscriber()
    await sub.subscribe(ch)
    const payloads = Array.from({ length: BURST }, (_, i) => payloadFor(i))
    const oracle = direct()
    try {
      const burst = oracle.pipeline()
      for (const p of payloads) burst.publish(ch, p)
      const sent = burst.exec() // written to the socket now
      const until = Date.now() + 1000
      while (Date.now() < until); // busy: the native side must hold what arrives meanwhile
      expect((await sent).every(([err, n]) => err === null && n === 1)).toBe(true)
    } finally {
      await oracle.quit()
    }
    expectInOrder(await waitForMessages(sub, BURST, DEADLINE_MS, { channel: ch }), payloads)
  })

  test('a burst spread over 50 channels keeps each channel in order', async () => {
    const channels = Array.from({ length: 50 }, (_, i) => channelName(`spread-${i}`))
    const perChannel = 200
    const sub = subscriber()
    expect(await sub.subscribe(...channels)).toBe(channels.length)
    const pub = publisher()
    const sends = []
    for (let i = 0; i < perChannel; i++) {
      for (const ch of channels) sends.push(pub.publish(ch, `${ch}#${payloadFor(i)}`))
    }
    expect((await Promise.all(sends)).every((n) => n === 1)).toBe(true)
    for (const ch of channels) {
      const expected = Array.from({ length: perChannel }, (_, i) => `${ch}#${payloadFor(i)}`)
      expectInOrder(await waitForMessages(sub, perChannel, DEADLINE_MS, { channel: ch }), expected)
    }
    expect(record(sub).events.filter((e) => e.event === 'messageBuffer')).toHaveLength(channels.length * perChannel)
  })
})
