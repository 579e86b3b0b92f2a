'use strict'
// Argument handling: every value ioredis accepts as an argument is stored as the same bytes.
const { both } = require('./differential')

/** Stores each value with SET and reads it back as a string: what actually reached Redis. */
async function stored(r, key, values) {
  const out = []
  for (const [i, value] of values.entries()) {
    await r.set(`${key}:${i}`, value)
    out.push(await r.get(`${key}:${i}`))
  }
  return out
}

describe('differential: arguments', () => {
  both('numbers', async (r, key) =>
    stored(r, key, [
      0,
      -0,
      42,
      -7,
      3.14,
      0.1 + 0.2,
      1e-7,
      1e21,
      2 ** 53,
      2 ** 53 + 2,
      2 ** 64,
      -(2 ** 70),
      Number.MAX_VALUE,
      NaN,
      Infinity,
      -Infinity,
    ]),
  )

  both('bigints and booleans', async (r, key) => stored(r, key, [10n, -(2n ** 70n), true, false]))

  both('null and undefined become ""', async (r, key) => [
    ...(await stored(r, key, [null, undefined])),
    await r.hset(`${key}:h`, 'f', null),
    await r.hget(`${key}:h`, 'f'),
    await r.rpush(`${key}:l`, undefined, null, 'x'),
    await r.lrange(`${key}:l`, 0, -1),
  ])

  both('nested arrays are flattened one level', async (r, key) => [
    await r.rpush(key, ['a', 'b'], 'c', ['d']),
    await r.lrange(key, 0, -1),
    await r.sadd(`${key}:s`, [1, 2], [3]),
    await r.scard(`${key}:s`),
    await r.mget([key, `${key}:missing`]),
  ])

  both('UTF-8 Buffers as keys and values', async (r, key) => [
    await r.set(Buffer.from(`${key}:buf`), Buffer.from('value from a Buffer')),
    await r.get(`${key}:buf`),
    await r.get(Buffer.from(`${key}:buf`)),
    await r.hset(Buffer.from(`${key}:h`), Buffer.from('field'), Buffer.from('välue')),
    await r.hgetall(`${key}:h`),
    await r.set(`${key}:empty`, Buffer.alloc(0)),
    await r.get(`${key}:empty`),
  ])

  both('unicode and emoji in keys, fields and values', async (r, key) => [
    await r.set(`${key}:ключ:🔑`, 'значение 💾 中文 ñ'),
    await r.get(`${key}:ключ:🔑`),
    await r.strlen(`${key}:ключ:🔑`),
    await r.hset(`${key}:h`, 'émoji 🎉', '👍🏽'),
    await r.hgetall(`${key}:h`),
    await r.keys(`${key}:ключ:*`),
  ])

  both('strings with quotes, newlines, commas and control characters', async (r, key) =>
    stored(r, key, [
      'say "hi"',
      "it's",
      'line1\nline2\r\nline3',
      'a,b,,c',
      'tab\there',
      'nul\u0000inside',
      '\u0001\u001f\u007f',
      'back\\slash',
      '{"json": [1, 2]}',
      '[1,2]',
      'OK',
      'QUEUED',
      '',
      ' ',
      '%2F/path?x=1&y=2#frag',
      'aGVsbG8=',
    ]),
  )

  both('lone surrogates are stored as U+FFFD', async (r, key) => [
    ...(await stored(r, key, ['a\ud800b', '\udc00', 'ok\ud83d'])),
    await r.strlen(`${key}:0`),
  ])

  both('large integer replies come back as the same JS numbers', async (r, key) => [
    await r.set(key, '9007199254740993'),
    await r.incr(key),
    await r.incrby(key, 2 ** 53),
    await r.set(`${key}:max`, '9223372036854775806'),
    await r.incr(`${key}:max`),
    await r.decrby(`${key}:neg`, '9223372036854775807'),
  ])

  both('numbers as option arguments (EX, LIMIT, COUNT)', async (r, key) => [
    await r.set(key, 'v', 'EX', 100.0),
    await r.zadd(`${key}:z`, 1, 'a', 2.5, 'b'),
    await r.zrangebyscore(`${key}:z`, 0, 2.5, 'LIMIT', 0, 1),
    await r.lpush(`${key}:l`, 1, 2, 3),
    await r.lpop(`${key}:l`, 2),
  ])
})
