'use strict'
// EVAL / EVALSHA / SCRIPT and defineCommand: ioredis and our client give the same replies.
const { createHash } = require('node:crypto')
const { both, rejection } = require('./differential')

const sha1 = (text) => createHash('sha1').update(text).digest('hex')

/** A script no other test loads, so its SHA is unknown to the server until this test runs it. */
const fresh = (key, body) => `-- ${key}\n${body}`

describe('differential: scripting', () => {
  both('eval with keys and args returning nested tables', async (r, key) => [
    await r.eval('return {KEYS[1], ARGV[1], {1, 2, {ARGV[2]}}, 3.99, false, true}', 1, key, 'a', 'b'),
    await r.eval("return redis.call('set', KEYS[1], ARGV[1])", 1, key, 'v'),
    await r.eval("return redis.call('get', KEYS[1])", 1, key),
    await r.eval('return nil', 0),
    await r.eval('return {}', 0),
    await r.eval('return #ARGV', 0, 1, 2, 3),
  ])

  both('eval with a status reply and a nested error reply', async (r, key) => [
    await r.eval("return {ok='fine'}", 0),
    await rejection(r.eval("return {err='My Error'}", 0)),
    await rejection(r.eval("return redis.error_reply('ERR custom')", 0)),
    await rejection(r.eval("return redis.call('lpush', KEYS[1], 'x')", 1, `${key}:s`)),
  ])

  both('an error inside a returned table stays in its place', async (r) => [
    await r.eval("return {1, {err='ERR inner'}, 'x'}", 0),
    await r.eval("return {{err='first'}, {2, {err='nested'}}}", 0),
  ])

  both('eval script errors', async (r) => [
    await rejection(r.eval('return +', 0)),
    await rejection(r.eval('error("boom")', 0)),
    await rejection(r.eval('return 1', 'notanumber')),
    await rejection(r.eval('return 1', 2, 'onlyone')),
  ])

  both('evalsha unknown sha gives NOSCRIPT', async (r, key, alias) =>
    rejection(r.evalsha(alias(sha1(fresh(key, 'return 1')), '<sha>'), 0)),
  )

  both('script load / exists / evalsha', async (r, key, alias) => {
    const lua = fresh(key, 'return ARGV[1] .. KEYS[1]')
    const sha = alias(sha1(lua), '<sha>')
    return [
      await r.script('EXISTS', sha, sha1('never loaded')),
      await r.script('LOAD', lua),
      await r.script('EXISTS', sha),
      await r.evalsha(sha, 1, 'k', 'v-'),
      await r.evalsha_ro(sha, 1, 'k', 'ro-'),
    ]
  })

  both('defineCommand with numberOfKeys', async (r, key) => {
    r.defineCommand('diffSetGet', {
      numberOfKeys: 2,
      lua: fresh(
        key,
        "redis.call('set', KEYS[1], ARGV[1]); redis.call('set', KEYS[2], ARGV[2]); return redis.call('mget', KEYS[1], KEYS[2])",
      ),
    })
    return [
      await r.diffSetGet(`${key}:a`, `${key}:b`, '1', '2'),
      await r.diffSetGet(`${key}:a`, `${key}:b`, '3', '4'),
      (await r.diffSetGetBuffer(`${key}:a`, `${key}:b`, '5', '6')).map(Buffer.isBuffer),
    ]
  })

  both('defineCommand without numberOfKeys takes it first', async (r, key) => {
    r.defineCommand('diffEcho', { lua: fresh(key, 'return {#KEYS, KEYS[1], ARGV[1]}') })
    return [await r.diffEcho(1, `${key}:k`, 'arg'), await r.diffEcho(0, 'arg')]
  })

  both('defineCommand reporting a script error', async (r, key, alias) => {
    const lua = alias(fresh(key, "return redis.call('incr', KEYS[1])"), '<lua>')
    alias(sha1(lua), '<sha>')
    r.defineCommand('diffFail', { numberOfKeys: 1, lua })
    await r.set(key, 'text')
    return rejection(r.diffFail(key))
  })

  both('defineCommand inside a pipeline', async (r, key) => {
    r.defineCommand('diffIncr', { numberOfKeys: 1, lua: fresh(key, "return redis.call('incrby', KEYS[1], ARGV[1])") })
    return r.pipeline().diffIncr(key, 2).diffIncr(key, 3).get(key).exec()
  })
})

describe('differential: scripts option, addBuiltinCommand', () => {
  const { bothWith } = require('./differential')
  bothWith({ scripts: { echoArg: { lua: 'return ARGV[1]', numberOfKeys: 0 } } })(
    'the scripts constructor option defines commands',
    async (r) => [await r.echoArg('hi'), await r.pipeline().echoArg('there').exec(), await r.echoArgBuffer('b')],
  )
  both('addBuiltinCommand adds a method (and its Buffer variant) for any command name', async (r, key) => {
    r.addBuiltinCommand('object')
    await r.set(key, 'v')
    return [
      await r.object('ENCODING', key),
      await r.objectBuffer('ENCODING', key),
      await r.pipeline().object('ENCODING', key).exec(),
    ]
  })
})
