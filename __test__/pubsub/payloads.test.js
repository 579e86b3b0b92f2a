'use strict'
// Byte-exactness of pub/sub over Server-Sent Events: payloads with commas, newlines, unicode, large
// sizes and random content, and channel names that need percent-encoding in the URL path, all
// compared as bytes with what was published. A payload with '\r' (which plain SSE cannot carry)
// travels base64 in a `base64` event and arrives exact as well.
const crypto = require('node:crypto')
const {
  channelName,
  factory,
  record,
  waitForMessages,
  waitForEvents,
  quietPeriod,
  direct,
  waitUntil,
  sleep,
} = require('./support')

const DEADLINE_MS = 10000
const QUIET_MS = 500

const { make, subscriber, publisher } = factory()
let oracle
beforeAll(() => {
  oracle = direct()
})
afterAll(() => oracle.quit())

/**
 * Subscribes one client to `ch` and another to a pattern matching it, publishes `payloads` in order
 * (strings or Buffers) with `publish`, and asserts both receive exactly those bytes, in order.
 */
async function roundTrip(payloads, { publish, ch = channelName('rt') } = {}) {
  const pattern = `${ch}*`
  const bySub = subscriber()
  const byPattern = subscriber()
  expect(await bySub.subscribe(ch)).toBe(1)
  expect(await byPattern.psubscribe(pattern)).toBe(1)
  const pub = publisher()
  const send = publish ?? ((channel, payload) => pub.publish(channel, payload))
  for (const payload of payloads) expect(await send(ch, payload)).toBe(2)
  const expected = payloads.map((p) => Buffer.from(p))
  const viaChannel = await waitForMessages(bySub, payloads.length, DEADLINE_MS, { channel: ch })
  const viaPattern = await waitForMessages(byPattern, payloads.length, DEADLINE_MS, { pattern })
  // Compared as hex so a mismatch shows the differing bytes, and equal-looking strings cannot pass.
  const hex = (list) => list.map((b) => b.toString('hex'))
  expect(hex(viaChannel.map((m) => m.payload))).toEqual(hex(expected))
  expect(hex(viaPattern.map((m) => m.payload))).toEqual(hex(expected))
  expect(viaChannel.every((m) => m.channel.equals(Buffer.from(ch)))).toBe(true)
  expect(viaPattern.every((m) => m.channel.equals(Buffer.from(ch)))).toBe(true)
  // The string events carry the same text.
  const strings = record(bySub)
    .events.filter((e) => e.event === 'message')
    .map((e) => e.args[1])
  const stringPayloads = payloads.filter((p) => typeof p === 'string')
  if (stringPayloads.length === payloads.length) expect(strings).toEqual(stringPayloads)
  return { bySub, byPattern }
}

/** Deterministic pseudo-random numbers (xorshift32) so a failing case can be reproduced. */
function prng(seed) {
  let x = seed >>> 0 || 1
  return () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return (x >>> 0) / 2 ** 32
  }
}

/** A random valid UTF-8 string: ASCII (with '\n', '\r', ',', ':' and spaces), Latin, CJK, emoji. */
function randomText(rand, maxLength) {
  const ranges = [
    [0x20, 0x7e],
    [0x0a, 0x0a],
    [0x0d, 0x0d],
    [0x2c, 0x2c],
    [0x00, 0x09],
    [0xa0, 0x24f],
    [0x370, 0x3ff],
    [0x4e00, 0x9fff],
    [0xe000, 0xf8ff],
    [0x1f300, 0x1faff],
    [0x10000, 0x10ffff],
  ]
  const length = Math.floor(rand() * maxLength)
  let text = ''
  for (let i = 0; i < length; i++) {
    const [lo, hi] = ranges[Math.floor(rand() * ranges.length)]
    text += String.fromCodePoint(lo + Math.floor(rand() * (hi - lo + 1)))
  }
  return text
}

describe('payload round trips', () => {
  test('commas, unicode, emoji and JSON', async () => {
    await roundTrip([
      'a,b,c',
      ',leading and trailing,',
      ',,,',
      'message,fake-channel,fake-payload',
      'héllo wörld ñ ß',
      '日本語のテキスト',
      '🚀🎉👩‍👩‍👧‍👦 🇸🇪',
      JSON.stringify({ text: 'a,b', list: [1, 'x,y', null], nested: { emoji: '🎉', quote: '"' } }),
      'tab\there',
      'nul\u0000byte',
      ' leading space',
      'data: looks like an SSE field',
      ': looks like a comment',
    ])
  })

  test('newlines: \\n, \\n\\n, leading, trailing, only newlines, SSE-looking lines', async () => {
    await roundTrip([
      'line one\nline two',
      'para one\n\npara two',
      '\nleading newline',
      'trailing newline\n',
      '\n',
      '\n\n',
      '\n\n\n',
      'a\n\n\n\nb',
      'x\n data: indented\n:comment-like\nevent: error\n\nid: 7\nretry: 1',
      'line,with,commas\nsecond,line',
      '{\n  "pretty": "json"\n}\n',
    ])
  })

  test('the empty string', async () => {
    const { bySub } = await roundTrip(['', 'after-empty', ''])
    const strings = record(bySub)
      .events.filter((e) => e.event === 'message')
      .map((e) => e.args[1])
    expect(strings).toEqual(['', 'after-empty', ''])
  })

  test('100 KB payloads: ASCII, multi-byte, many short lines, one huge line with commas', async () => {
    const ascii = crypto.randomBytes(50 * 1024).toString('hex') // 100 KB
    const multiByte = 'ä€😀'.repeat(Math.ceil((100 * 1024) / 9))
    const lines = Array.from({ length: 12000 }, (_, i) => `line ${i}`).join('\n') + '\n'
    const commas = 'x,'.repeat(50 * 1024)
    for (const p of [ascii, multiByte, lines, commas]) expect(Buffer.byteLength(p)).toBeGreaterThanOrEqual(100 * 1000)
    await roundTrip([ascii, multiByte, lines, commas])
  })

  test('300 random valid UTF-8 strings (seeded) round-trip byte-exact', async () => {
    const rand = prng(0x5eed)
    const payloads = Array.from({ length: 300 }, (_, i) => randomText(rand, i % 10 === 0 ? 2000 : 40))
    expect(payloads.some((p) => p.includes('\n'))).toBe(true)
    expect(payloads.some((p) => p.includes(','))).toBe(true)
    await roundTrip(payloads)
  })

  test('binary payloads (invalid UTF-8, every byte) from our client and from ioredis over TCP', async () => {
    const everyByte = Buffer.from([...Array(256).keys()])
    const binary = [everyByte, Buffer.from([0xff, 0xfe, 0x00, 0x0a, 0x2c, 0x80]), crypto.randomBytes(4096)]
    await roundTrip(binary)
    await roundTrip(binary, { publish: (ch, payload) => oracle.publish(ch, payload) })
  })
})

describe('channel names and patterns', () => {
  test('channel names with : / * ? % # + spaces and unicode round-trip as subscribed', async () => {
    const base = channelName('names')
    const names = [
      `${base}:a:b`,
      `${base}/path/like`,
      `${base}*literal-star`,
      `${base}?`,
      `${base}%41%2F`,
      `${base}#frag`,
      `${base}+plus&amp=1`,
      `${base} with spaces`,
      `${base}:ünï/🚀`,
    ]
    const sub = subscriber()
    expect(await sub.subscribe(...names)).toBe(names.length)
    const pub = publisher()
    for (const name of names) expect(await pub.publish(name, `to ${name}`)).toBe(1)
    for (const name of names) {
      const [msg] = await waitForMessages(sub, 1, DEADLINE_MS, { channel: name })
      expect([msg.channel.toString('hex'), msg.payload.toString()]).toEqual([
        Buffer.from(name).toString('hex'),
        `to ${name}`,
      ])
    }
    await sleep(200) // nothing else arrives: one message per channel, no duplicates
    expect(record(sub).events.filter((e) => e.event === 'messageBuffer')).toHaveLength(names.length)
  })

  test('a binary (non-UTF-8) channel name given as a Buffer: messageBuffer carries its exact bytes', async () => {
    const ch = Buffer.concat([Buffer.from(channelName('bin') + ':'), Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x2f, 0x2a])])
    const sub = subscriber()
    expect(await sub.subscribe(ch)).toBe(1)
    expect(await oracle.publish(ch, 'to binary')).toBe(1)
    const [[channel, payload]] = await waitForEvents(sub, 'messageBuffer', 1, DEADLINE_MS)
    expect([channel.toString('hex'), payload.toString()]).toEqual([ch.toString('hex'), 'to binary'])
    expect(await sub.unsubscribe(ch)).toBe(0)
  })

  test('glob patterns (*, ?, [..], escaped \\*) match like redis, with exact pattern and channel', async () => {
    const base = channelName('glob')
    const cases = [
      { pattern: `${base}:*`, hits: [`${base}:x`, `${base}:a/b:c`], misses: [`${base}x`] },
      { pattern: `${base}/?/end`, hits: [`${base}/1/end`], misses: [`${base}/12/end`] },
      { pattern: `${base}[ab]`, hits: [`${base}a`, `${base}b`], misses: [`${base}c`] },
      { pattern: `${base}\\*`, hits: [`${base}*`], misses: [`${base}z`] },
    ]
    const sub = subscriber()
    const pub = publisher()
    let count = 0
    for (const { pattern } of cases) expect(await sub.psubscribe(pattern)).toBe(++count)
    for (const { hits, misses } of cases) {
      for (const ch of [...hits, ...misses]) await pub.publish(ch, `to ${ch}`)
    }
    for (const { pattern, hits } of cases) {
      const got = await waitForMessages(sub, hits.length, DEADLINE_MS, { pattern })
      expect(got.map((m) => [m.pattern, m.channel.toString(), m.payload.toString()])).toEqual(
        hits.map((ch) => [pattern, ch, `to ${ch}`]),
      )
    }
    await sleep(200)
    const all = record(sub).events.filter((e) => e.event === 'pmessageBuffer')
    expect(all).toHaveLength(cases.reduce((n, c) => n + c.hits.length, 0))
  })
})

describe('a payload with \\r', () => {
  test('arrives exact, on channel and pattern streams, with no error and nothing split', async () => {
    const ch = channelName('cr')
    const pattern = `${ch}*`
    const sub = subscriber()
    await sub.subscribe(ch)
    await sub.psubscribe(pattern)
    const errors = []
    sub.on('error', (error) => errors.push(error))
    const payloads = ['before', 'carriage\rreturn', 'windows\r\nline end', '\r', '\r\n\r\n', 'after']
    const pub = publisher()
    for (const payload of payloads) expect(await pub.publish(ch, payload)).toBe(2)
    const viaChannel = await waitForMessages(sub, payloads.length, DEADLINE_MS, { channel: ch })
    const viaPattern = await waitForMessages(sub, payloads.length, DEADLINE_MS, { pattern })
    await quietPeriod(sub, QUIET_MS)
    expect(viaChannel.map((m) => m.payload.toString())).toEqual(payloads)
    expect(viaPattern.map((m) => m.payload.toString())).toEqual(payloads)
    const strings = record(sub)
      .events.filter((e) => e.event === 'message')
      .map((e) => e.args[1])
    expect(strings).toEqual(payloads)
    expect(errors).toEqual([])
  })
})

describe('a payload with \\r on a channel whose name contains commas', () => {
  test('arrives exact with its whole channel name via a pattern (base64 has no commas to confuse)', async () => {
    const base = channelName('cr-comma')
    const pattern = `${base}*`
    const channels = [`${base},a`, `${base},a,b,`, `${base},`]
    const sub = subscriber()
    await sub.psubscribe(pattern)
    const errors = []
    sub.on('error', (error) => errors.push(error))
    const pub = publisher()
    const sent = []
    for (const ch of channels) {
      for (const payload of ['cr\r', 'a,b\r\nc', 'plain, with comma']) {
        expect(await pub.publish(ch, payload)).toBe(1)
        sent.push([pattern, ch, payload])
      }
    }
    const got = await waitForMessages(sub, sent.length, DEADLINE_MS, { pattern })
    expect(
      got.map((m) => [m.pattern, m.channel.toString(), m.payload.toString()]).filter((m) => m[2].includes('\r')),
    ).toEqual(sent.filter((m) => m[2].includes('\r')))
    expect(errors).toEqual([])
  })
})
