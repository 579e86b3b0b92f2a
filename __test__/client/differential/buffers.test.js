'use strict'
// *Buffer variants and binary values: ioredis and our client return the same bytes, as Buffers.
const crypto = require('node:crypto')
const { both } = require('./differential')

/** Random bytes that are certainly not valid UTF-8 (0xff never occurs in UTF-8). */
function binary(size) {
  const bytes = crypto.randomBytes(size)
  bytes[0] = 0xff
  bytes[size - 1] = 0xfe
  return bytes
}

/** Same bytes on both sides of a differential scenario (generated once per test file). */
const BLOB = binary(4096)
const SMALL = Buffer.from([0x00, 0xff, 0x80, 0x0d, 0x0a, 0xc3, 0x28, 0x00])

describe('differential: *Buffer variants', () => {
  both('getBuffer returns a Buffer, or null', async (r, key) => [
    await r.set(key, 'héllo'),
    await r.getBuffer(key),
    await r.getBuffer(`${key}:missing`),
  ])

  both('hgetallBuffer is an object of Buffers', async (r, key) => [
    await r.hset(key, 'a', '1', 'b', 'two'),
    await r.hgetallBuffer(key),
    await r.hgetallBuffer(`${key}:missing`),
  ])

  both('lrangeBuffer / zrangeBuffer / smembersBuffer / mgetBuffer', async (r, key) => [
    await r.rpush(`${key}:l`, 'x', 'y'),
    await r.lrangeBuffer(`${key}:l`, 0, -1),
    await r.zadd(`${key}:z`, 1, 'a', 2, 'b'),
    await r.zrangeBuffer(`${key}:z`, 0, -1, 'WITHSCORES'),
    await r.sadd(`${key}:s`, 'only'),
    await r.smembersBuffer(`${key}:s`),
    await r.set(`${key}:str`, 'v'),
    await r.mgetBuffer(`${key}:str`, `${key}:missing`),
  ])

  both('integer and status replies stay numbers and Buffers', async (r, key) => [
    await r.setBuffer(key, 'v'),
    await r.incrBuffer(`${key}:n`),
    await r.typeBuffer(key),
  ])
})

describe('differential: binary values', () => {
  both('non-UTF-8 bytes round-trip through set / getBuffer', async (r, key) => [
    await r.set(key, BLOB),
    (await r.getBuffer(key)).equals(BLOB),
    await r.strlen(key),
    await r.set(`${key}:small`, SMALL),
    await r.getBuffer(`${key}:small`),
  ])

  both('a binary value as the last argument of hset, read with hgetBuffer', async (r, key) => [
    await r.hset(key, 'bin', SMALL),
    await r.hgetBuffer(key, 'bin'),
    await r.hstrlen(key, 'bin'),
    (await r.hgetallBuffer(key)).bin,
  ])

  both('binary list elements and appends', async (r, key) => [
    await r.rpush(key, SMALL),
    await r.lrangeBuffer(key, 0, -1),
    await r.set(`${key}:s`, 'prefix:'),
    await r.append(`${key}:s`, SMALL),
    await r.getBuffer(`${key}:s`),
  ])

  both('a binary value read as a string is decoded as UTF-8 the same way', async (r, key) => [
    await r.set(key, SMALL),
    await r.get(key),
  ])

  both('every byte value survives', async (r, key) => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i))
    return [await r.set(key, all), (await r.getBuffer(key)).equals(all)]
  })

  both(
    '5 MB values round-trip (text and binary)',
    async (r, key) => {
      const text = 'x'.repeat(5 * 1024 * 1024 - 3) + 'end'
      const bytes = binary(5 * 1024 * 1024)
      return [
        await r.set(`${key}:text`, text),
        (await r.get(`${key}:text`)) === text,
        await r.strlen(`${key}:text`),
        await r.set(`${key}:bin`, bytes),
        (await r.getBuffer(`${key}:bin`)).equals(bytes),
        await r.strlen(`${key}:bin`),
        await r.del(`${key}:text`, `${key}:bin`),
      ]
    },
    60000,
  )
})
