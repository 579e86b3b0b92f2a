'use strict'
// String commands: ioredis and our client give the same replies for the same calls.
const { both, rejection } = require('./differential')

/** A TTL reply reduced to what is deterministic: its sign and whether it is within the limit. */
const ttlWithin = (ttl, limit) => [typeof ttl, ttl > 0 && ttl <= limit]

describe('differential: strings', () => {
  both('set / get / missing get', async (r, key) => [
    await r.set(key, 'hello'),
    await r.get(key),
    await r.get(`${key}:missing`),
  ])

  both('set EX / PX set a TTL', async (r, key) => [
    await r.set(`${key}:ex`, 'v', 'EX', 100),
    await r.set(`${key}:px`, 'v', 'PX', 100000),
    ttlWithin(await r.ttl(`${key}:ex`), 100),
    ttlWithin(await r.pttl(`${key}:px`), 100000),
  ])

  both('set NX / XX', async (r, key) => [
    await r.set(key, 'a', 'XX'),
    await r.set(key, 'b', 'NX'),
    await r.set(key, 'c', 'NX'),
    await r.set(key, 'd', 'XX'),
    await r.get(key),
  ])

  both('set GET returns the old value', async (r, key) => [
    await r.set(key, 'old', 'GET'),
    await r.set(key, 'new', 'GET'),
    await r.get(key),
  ])

  both('set EX with NX and GET combined', async (r, key) => [
    await r.set(key, 'one', 'EX', 50, 'NX', 'GET'),
    await r.set(key, 'two', 'EX', 50, 'NX', 'GET'),
    ttlWithin(await r.ttl(key), 50),
  ])

  both('set KEEPTTL keeps the TTL, plain set drops it', async (r, key) => [
    await r.set(key, 'a', 'EX', 100),
    await r.set(key, 'b', 'KEEPTTL'),
    ttlWithin(await r.ttl(key), 100),
    await r.set(key, 'c'),
    await r.ttl(key),
  ])

  both('getset / getdel', async (r, key) => [
    await r.getset(key, 'first'),
    await r.getset(key, 'second'),
    await r.getdel(key),
    await r.getdel(key),
    await r.exists(key),
  ])

  both('getex with EX / PERSIST', async (r, key) => [
    await r.set(key, 'v'),
    await r.getex(key, 'EX', 100),
    ttlWithin(await r.ttl(key), 100),
    await r.getex(key, 'PERSIST'),
    await r.ttl(key),
    await r.getex(`${key}:missing`),
  ])

  both('mset / mget with varargs', async (r, key) => [
    await r.mset(`${key}:a`, '1', `${key}:b`, '2'),
    await r.mget(`${key}:a`, `${key}:b`, `${key}:missing`),
    await r.mget([`${key}:b`, `${key}:a`]),
  ])

  both('mset with an object', async (r, key) => [
    await r.mset({ [`${key}:a`]: 'x', [`${key}:b`]: 2 }),
    await r.mget(`${key}:a`, `${key}:b`),
  ])

  both('mset with a Map', async (r, key) => [
    await r.mset(
      new Map([
        [`${key}:a`, 'm1'],
        [`${key}:b`, 'm2'],
      ]),
    ),
    await r.mget(`${key}:a`, `${key}:b`),
  ])

  both('msetnx with an object and a Map', async (r, key) => [
    await r.msetnx({ [`${key}:a`]: '1', [`${key}:b`]: '2' }),
    await r.msetnx(
      new Map([
        [`${key}:b`, 'x'],
        [`${key}:c`, 'y'],
      ]),
    ),
    await r.mget(`${key}:a`, `${key}:b`, `${key}:c`),
  ])

  both('incr / decr / incrby / decrby', async (r, key) => [
    await r.incr(key),
    await r.incrby(key, 41),
    await r.decr(key),
    await r.decrby(key, 10),
    await r.incrby(key, -100),
    await r.get(key),
  ])

  both('incrbyfloat returns a string', async (r, key) => [
    await r.incrbyfloat(key, 1.5),
    await r.incrbyfloat(key, '2.25'),
    await r.incrbyfloat(key, -0.75),
    await r.incrbyfloat(key, 1e3),
    await r.get(key),
  ])

  both('incr on a non-integer fails', async (r, key) => [
    await r.set(key, 'abc'),
    await rejection(r.incr(key)),
    await rejection(r.incrbyfloat(key, 1)),
    await r.set(key, String(2 ** 63 - 1)),
    await rejection(r.incr(key)),
  ])

  both('append / strlen', async (r, key) => [
    await r.append(key, 'Hello'),
    await r.append(key, ' World'),
    await r.strlen(key),
    await r.strlen(`${key}:missing`),
    await r.get(key),
  ])

  both('getrange / setrange', async (r, key) => [
    await r.set(key, 'Hello World'),
    await r.getrange(key, 0, 4),
    await r.getrange(key, -5, -1),
    await r.getrange(key, 20, 30),
    await r.setrange(key, 6, 'Redis'),
    await r.setrange(`${key}:pad`, 3, 'x'),
    await r.get(key),
    await r.get(`${key}:pad`),
  ])

  both('setnx / setex / psetex', async (r, key) => [
    await r.setnx(key, 'a'),
    await r.setnx(key, 'b'),
    await r.get(key),
    await r.setex(`${key}:ex`, 100, 'v'),
    ttlWithin(await r.ttl(`${key}:ex`), 100),
    await r.psetex(`${key}:px`, 100000, 'v'),
    ttlWithin(await r.pttl(`${key}:px`), 100000),
    await rejection(r.setex(`${key}:bad`, 0, 'v')),
  ])
})
