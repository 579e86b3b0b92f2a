'use strict'
// Redis error replies reach the caller as the same ReplyError (name and message) as in ioredis.
const { both, rejection } = require('./differential')

describe('differential: errors', () => {
  both('WRONGTYPE across command groups', async (r, key) => {
    await r.set(`${key}:s`, 'text')
    await r.rpush(`${key}:l`, 'x')
    return [
      await rejection(r.lpush(`${key}:s`, 'x')),
      await rejection(r.hget(`${key}:s`, 'f')),
      await rejection(r.sadd(`${key}:s`, 'm')),
      await rejection(r.zadd(`${key}:s`, 1, 'm')),
      await rejection(r.xadd(`${key}:s`, '*', 'f', 'v')),
      await rejection(r.get(`${key}:l`)),
      await rejection(r.hgetall(`${key}:l`)),
      await rejection(r.incr(`${key}:l`)),
    ]
  })

  both('wrong number of arguments', async (r, key) => [
    await rejection(r.get()),
    await rejection(r.get(key, 'extra')),
    await rejection(r.set(key)),
    await rejection(r.hset(key, 'field-without-value')),
    await rejection(r.hset(key, {})),
    await rejection(r.mset(`${key}:a`)),
    await rejection(r.mset({})),
    await rejection(r.zadd(key, 1)),
    await rejection(r.call('ping', 'a', 'b')),
  ])

  both('unknown command via call', async (r, key) => [
    await rejection(r.call('nosuchcommand')),
    await rejection(r.call('nosuchcommand', key, 'with spaces', 'and "quotes"')),
    await rejection(r.call('GETT', key)),
    await rejection(r.call('nosuchcommand', 'ключ 🔑', 'a\nb')),
  ])

  both('syntax errors', async (r, key) => [
    await rejection(r.set(key, 'v', 'NX', 'XX')),
    await rejection(r.set(key, 'v', 'EX')),
    await rejection(r.set(key, 'v', 'BOGUS')),
    await rejection(r.zadd(key, 'NX', 'XX', 1, 'm')),
    await rejection(r.zrange(key, 0, -1, 'NOTANOPTION')),
    await rejection(r.linsert(key, 'MIDDLE', 'a', 'b')),
    await rejection(r.scan(0, 'COUNT')),
    await rejection(r.xadd(key, 'not-an-id', 'f', 'v')),
  ])

  both('value and range errors', async (r, key) => [
    await rejection(r.set(key, 'v', 'EX', 'soon')),
    await rejection(r.set(key, 'v', 'EX', -1)),
    await rejection(r.expire(key, 'later')),
    await rejection(r.lrange(key, 'a', 'b')),
    await rejection(r.zadd(key, 'one', 'm')),
    await rejection(r.incrbyfloat(key, 'x')),
    await rejection(r.setrange(key, -1, 'x')),
    await rejection(r.getrange(key, 'a', 1)),
  ])

  both('no such key and other command-specific errors', async (r, key) => [
    await rejection(r.rename(`${key}:missing`, key)),
    await rejection(r.lset(`${key}:missing`, 0, 'x')),
    await rejection(r.object('NOSUCHSUBCOMMAND', key)),
    await rejection(r.xgroup('CREATE', `${key}:missing`, 'g', '$')),
    await rejection(r.evalsha('0000000000000000000000000000000000000000', 0)),
    await rejection(r.script('NOSUCHSUBCOMMAND')),
  ])

  both('an error does not disturb the commands around it', async (r, key) =>
    Promise.all([
      r.set(key, 'text'),
      rejection(r.incr(key)),
      r.get(key),
      rejection(r.call('nosuchcommand')),
      r.append(key, '!'),
    ]),
  )
})
