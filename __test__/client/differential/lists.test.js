'use strict'
// List commands: ioredis and our client give the same replies for the same calls.
const { both, rejection } = require('./differential')

describe('differential: lists', () => {
  both('lpush / rpush with varargs and arrays, lrange', async (r, key) => [
    await r.rpush(key, 'a', 'b'),
    await r.rpush(key, ['c', 'd']),
    await r.lpush(key, 'z', ['y', 'x']),
    await r.lrange(key, 0, -1),
    await r.lrange(key, 1, 2),
    await r.lrange(key, -2, -1),
    await r.lrange(key, 10, 20),
    await r.lrange(`${key}:missing`, 0, -1),
  ])

  both('lpushx / rpushx only touch existing lists', async (r, key) => [
    await r.lpushx(key, 'a'),
    await r.rpush(key, 'm'),
    await r.lpushx(key, 'l'),
    await r.rpushx(key, 'r'),
    await r.lrange(key, 0, -1),
  ])

  both('lpop / rpop with and without count', async (r, key) => [
    await r.rpush(key, 1, 2, 3, 4, 5, 6),
    await r.lpop(key),
    await r.rpop(key),
    await r.lpop(key, 2),
    await r.rpop(key, 5),
    await r.lpop(key),
    await r.lpop(key, 2),
    await r.rpop(`${key}:missing`),
  ])

  both('llen / lindex', async (r, key) => [
    await r.rpush(key, 'a', 'b', 'c'),
    await r.llen(key),
    await r.llen(`${key}:missing`),
    await r.lindex(key, 0),
    await r.lindex(key, -1),
    await r.lindex(key, 10),
  ])

  both('linsert BEFORE / AFTER', async (r, key) => [
    await r.rpush(key, 'a', 'c'),
    await r.linsert(key, 'BEFORE', 'c', 'b'),
    await r.linsert(key, 'AFTER', 'c', 'd'),
    await r.linsert(key, 'AFTER', 'missing', 'x'),
    await r.linsert(`${key}:missing`, 'AFTER', 'a', 'x'),
    await r.lrange(key, 0, -1),
  ])

  both('lset, including out of range', async (r, key) => [
    await r.rpush(key, 'a', 'b'),
    await r.lset(key, 1, 'B'),
    await r.lset(key, -2, 'A'),
    await rejection(r.lset(key, 5, 'x')),
    await rejection(r.lset(`${key}:missing`, 0, 'x')),
    await r.lrange(key, 0, -1),
  ])

  both('lrem with positive, negative and zero counts', async (r, key) => [
    await r.rpush(key, 'x', 'a', 'x', 'b', 'x', 'c', 'x'),
    await r.lrem(key, 1, 'x'),
    await r.lrem(key, -1, 'x'),
    await r.lrange(key, 0, -1),
    await r.lrem(key, 0, 'x'),
    await r.lrange(key, 0, -1),
  ])

  both('ltrim', async (r, key) => [
    await r.rpush(key, 1, 2, 3, 4, 5),
    await r.ltrim(key, 1, -2),
    await r.lrange(key, 0, -1),
    await r.ltrim(key, 5, 10),
    await r.exists(key),
  ])

  both('lpos with RANK, COUNT and MAXLEN', async (r, key) => [
    await r.rpush(key, 'a', 'b', 'c', 'b', 'd', 'b'),
    await r.lpos(key, 'b'),
    await r.lpos(key, 'b', 'RANK', 2),
    await r.lpos(key, 'b', 'RANK', -1),
    await r.lpos(key, 'b', 'COUNT', 0),
    await r.lpos(key, 'b', 'COUNT', 2, 'MAXLEN', 4),
    await r.lpos(key, 'missing'),
    await r.lpos(key, 'missing', 'COUNT', 0),
  ])

  both('lmove / rpoplpush', async (r, key) => [
    await r.rpush(`${key}:src`, 'a', 'b', 'c'),
    await r.lmove(`${key}:src`, `${key}:dst`, 'LEFT', 'RIGHT'),
    await r.lmove(`${key}:src`, `${key}:dst`, 'RIGHT', 'LEFT'),
    await r.rpoplpush(`${key}:src`, `${key}:dst`),
    await r.rpoplpush(`${key}:src`, `${key}:dst`),
    await r.lmove(`${key}:src`, `${key}:dst`, 'LEFT', 'LEFT'),
    await r.lrange(`${key}:dst`, 0, -1),
  ])

  both('lmpop', async (r, key) => [
    await r.rpush(`${key}:b`, 1, 2, 3),
    await r.lmpop(2, `${key}:a`, `${key}:b`, 'LEFT', 'COUNT', 2),
    await r.lmpop(1, `${key}:a`, 'RIGHT'),
  ])

  both('a long list comes back whole and in order', async (r, key) => {
    const items = Array.from({ length: 20000 }, (_, i) => `item-${i}`)
    await r.rpush(key, items)
    const all = await r.lrange(key, 0, -1)
    return [all.length, all.every((item, i) => item === items[i]), await r.lrange(key, 19998, -1)]
  })
})
