'use strict'
// String commands through the official @upstash/redis SDK (base64 responses, auto-pipelining on).
const { uniqueKey } = require('../support')
const { sdk } = require('./support')

const redis = sdk()

describe('SDK strings', () => {
  test('set/get', async () => {
    const k = uniqueKey('s')
    expect(await redis.set(k, 'hello')).toBe('OK')
    expect(await redis.get(k)).toBe('hello')
    expect(await redis.get(uniqueKey('s-missing'))).toBeNull()
  })

  test('set with ex / px sets a TTL', async () => {
    const [a, b] = [uniqueKey('s-ex'), uniqueKey('s-px')]
    expect(await redis.set(a, 'v', { ex: 100 })).toBe('OK')
    expect(await redis.set(b, 'v', { px: 100000 })).toBe('OK')
    const [ttl, pttl] = await Promise.all([redis.ttl(a), redis.pttl(b)])
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(100)
    expect(pttl).toBeGreaterThan(0)
    expect(pttl).toBeLessThanOrEqual(100000)
  })

  test('set with nx only writes once', async () => {
    const k = uniqueKey('s-nx')
    expect(await redis.set(k, 'first', { nx: true })).toBe('OK')
    expect(await redis.set(k, 'second', { nx: true })).toBeNull()
    expect(await redis.get(k)).toBe('first')
  })

  test('incr / incrby / incrbyfloat / decr', async () => {
    const k = uniqueKey('s-incr')
    expect(await redis.incr(k)).toBe(1)
    expect(await redis.incrby(k, 41)).toBe(42)
    expect(await redis.incrbyfloat(k, 0.5)).toBe(42.5)
    expect(await redis.incrbyfloat(k, -2.25)).toBe(40.25)
    expect(await redis.get(k)).toBe(40.25)
  })

  test('mset / mget with JSON deserialization (numbers and objects come back typed)', async () => {
    const [a, b, c, d] = [uniqueKey('s-m1'), uniqueKey('s-m2'), uniqueKey('s-m3'), uniqueKey('s-m4')]
    expect(await redis.mset({ [a]: 'x', [b]: 2, [c]: { deep: [1, 'two'] } })).toBe('OK')
    expect(await redis.mget(a, b, c, d)).toEqual(['x', 2, { deep: [1, 'two'] }, null])
  })

  test('a string value "OK" and a JSON-looking text survive', async () => {
    const [a, b, c] = [uniqueKey('s-ok'), uniqueKey('s-num'), uniqueKey('s-big')]
    await redis.set(a, 'OK')
    await redis.set(b, '1.50')
    await redis.set(c, '12345678901234567890')
    expect(await redis.get(a)).toBe('OK')
    expect(await redis.mget(a, b, c)).toEqual(['OK', '1.50', '12345678901234567890'])
  })

  test('append / strlen / getrange', async () => {
    const k = uniqueKey('s-append')
    await redis.set(k, 'Hello')
    expect(await redis.append(k, ' World')).toBe(11)
    expect(await redis.strlen(k)).toBe(11)
    expect(await redis.getrange(k, 0, 4)).toBe('Hello')
    expect(await redis.getrange(k, -5, -1)).toBe('World')
  })

  test('getdel returns the value and removes the key', async () => {
    const k = uniqueKey('s-getdel')
    await redis.set(k, 'gone soon')
    expect(await redis.getdel(k)).toBe('gone soon')
    expect(await redis.get(k)).toBeNull()
    expect(await redis.exists(k)).toBe(0)
  })

  test('unicode and emoji values; strlen counts UTF-8 bytes', async () => {
    const k = uniqueKey('s-uni')
    const value = 'Grüße, 日本語, Ελληνικά, 🚀🎉👩‍👩‍👧'
    await redis.set(k, value)
    expect(await redis.get(k)).toBe(value)
    expect(await redis.strlen(k)).toBe(Buffer.byteLength(value))
  })

  test('values containing commas, quotes, backslashes and newlines', async () => {
    const k = uniqueKey('s-punct')
    const value = 'a,b,"c",\'d\'\nline2\r\n\ttab \\ back\\slash, {not json'
    await redis.set(k, value)
    expect(await redis.get(k)).toBe(value)
  })

  test('objects are stored as JSON and read back as objects', async () => {
    const k = uniqueKey('s-obj')
    const doc = { name: 'ü, "q"', n: 1.5, list: [1, null, 'x,y'], nested: { ok: true } }
    await redis.set(k, doc)
    expect(await redis.get(k)).toEqual(doc)
  })
})
