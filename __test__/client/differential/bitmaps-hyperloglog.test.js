'use strict'
// Bitmap and HyperLogLog commands: ioredis and our client give the same replies.
const { both, rejection } = require('./differential')

describe('differential: bitmaps and hyperloglog', () => {
  both('setbit / getbit / bitcount', async (r, key) => [
    await r.setbit(key, 7, 1),
    await r.setbit(key, 7, 0),
    await r.setbit(key, 100, 1),
    await r.setbit(key, 3, '1'),
    await r.getbit(key, 3),
    await r.getbit(key, 100),
    await r.getbit(key, 1000),
    await r.bitcount(key),
    await r.bitcount(key, 0, 0),
    await r.bitcount(key, 0, 7, 'BIT'),
    await r.bitcount(`${key}:missing`),
    await rejection(r.setbit(key, 1, 2)),
  ])

  both('bitpos / bitop / bitfield', async (r, key) => [
    await r.set(`${key}:a`, 'abc'),
    await r.set(`${key}:b`, 'AB'),
    await r.bitpos(`${key}:a`, 1),
    await r.bitpos(`${key}:a`, 0, 1),
    await r.bitop('AND', `${key}:and`, `${key}:a`, `${key}:b`),
    await r.get(`${key}:and`),
    await r.bitfield(`${key}:f`, 'SET', 'u8', 0, 200, 'GET', 'u8', 0, 'INCRBY', 'u8', 0, 100),
    await r.bitfield(`${key}:f`, 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', 0, 250),
  ])

  both('pfadd / pfcount / pfmerge', async (r, key) => [
    await r.pfadd(`${key}:1`, 'a', 'b', 'c'),
    await r.pfadd(`${key}:1`, 'a'),
    await r.pfadd(`${key}:2`, ['c', 'd']),
    await r.pfcount(`${key}:1`),
    await r.pfcount(`${key}:1`, `${key}:2`),
    await r.pfmerge(`${key}:m`, `${key}:1`, `${key}:2`),
    await r.pfcount(`${key}:m`),
    await r.pfcount(`${key}:missing`),
  ])
})
