'use strict'
// call / callBuffer / send_command and Node-style callbacks: the same as ioredis.
const { both, rejection, viaCallback } = require('./differential')

describe('differential: call / callBuffer', () => {
  both('call with any case, send_command', async (r, key) => [
    await r.call('set', key, 'v'),
    await r.call('GET', key),
    await r.call('StrLen', key),
    await r.send_command('get', key),
  ])

  both('call flattens array arguments', async (r, key) => [
    await r.call('mset', [`${key}:a`, '1', `${key}:b`, '2']),
    await r.call('mget', [`${key}:a`, `${key}:b`]),
  ])

  both('call applies reply transformers by the name as given', async (r, key) => [
    await r.call('hset', key, 'f', 'v'),
    await r.call('hgetall', key),
    await r.call('HGETALL', key),
  ])

  both('callBuffer returns Buffers', async (r, key) => [
    await r.call('set', key, 'bytes'),
    await r.callBuffer('get', key),
    await r.callBuffer('GET', `${key}:missing`),
    await r.callBuffer('incr', `${key}:n`),
  ])

  both('call of an unknown command is a ReplyError', async (r, key) => [
    await rejection(r.call('nosuchcommand', key, 'arg')),
    await rejection(r.call('nosuchcommand')),
  ])
})

describe('differential: callbacks', () => {
  both('get(k, cb) gives (null, value)', async (r, key) => [
    await r.set(key, 'v'),
    await viaCallback((cb) => r.get(key, cb)),
    await viaCallback((cb) => r.get(`${key}:missing`, cb)),
  ])

  both('a failing command gives (err) to the callback', async (r, key) => {
    await r.set(key, 'text')
    const [err, value] = await viaCallback((cb) => r.lpush(key, 'x', cb))
    return [err, value]
  })

  both('the promise is returned too, and settles the same way', async (r, key) => {
    const calls = []
    const promised = r.set(key, 'v', (err, v) => calls.push([err, v]))
    const result = await promised
    const failed = await rejection(r.incr(key, () => {}))
    await new Promise((resolve) => setImmediate(resolve))
    return [result, failed, calls]
  })

  both('callbacks on call / callBuffer / *Buffer methods', async (r, key) => [
    await viaCallback((cb) => r.call('set', key, 'v', cb)),
    await viaCallback((cb) => r.callBuffer('get', key, cb)),
    await viaCallback((cb) => r.getBuffer(key, cb)),
    await viaCallback((cb) => r.hgetall(`${key}:missing`, cb)),
  ])

  both('callbacks on mset with an object and hset with a Map', async (r, key) => [
    await viaCallback((cb) => r.mset({ [`${key}:a`]: '1' }, cb)),
    await viaCallback((cb) => r.hset(`${key}:h`, new Map([['f', 'v']]), cb)),
    await viaCallback((cb) => r.hgetall(`${key}:h`, cb)),
  ])
})
