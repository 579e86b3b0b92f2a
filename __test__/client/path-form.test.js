'use strict'
// A command whose last argument is binary (not valid UTF-8) travels in the REST API's path form,
// where every other argument is a URL path segment, and a channel travels as the path of its
// stream (/subscribe/<channel>). What a URL path cannot carry exactly ("", ".", "..", or a path
// too long for the HTTP stack) is refused before anything is sent; everything else arrives
// byte for byte, checked against redis-server itself.
const { uniqueKey } = require('../support')
const { clients, rejectionOf, direct, within } = require('./support/common')
const { MAX_PATH_BYTES } = require('../../lib/arguments')

const BINARY = Buffer.from([0xff, 0x01])
const UNSENDABLE = ['', '.', '..']

const make = clients()
let oracle
beforeAll(() => {
  oracle = direct()
})
afterAll(() => oracle.quit())

/** Asserts `promise` rejects before sending: a TypeError that names the problem, nothing stored. */
async function expectRefused(promise, key, pattern) {
  const error = await rejectionOf(promise)
  expect(error).toBeInstanceOf(TypeError)
  expect(error.message).toMatch(pattern)
  expect(await oracle.exists(key)).toBe(0)
  return error
}

describe('path form: arguments beside a binary last argument', () => {
  test("rpush(k, 'a', '..', binary) is refused, not stored as just the binary", async () => {
    const key = uniqueKey('pf-rpush')
    const error = await expectRefused(make().rpush(key, 'a', '..', BINARY), key, /argument 3 is "\.\."/)
    expect(error.message).toMatch(/path form/)
    expect(error.message).toMatch(/base64/)
  })

  test("hset(h, 'f1', 'v1', '..', binary) is refused, not stored as f1 → binary", async () => {
    const key = uniqueKey('pf-hset')
    await expectRefused(make().hset(key, 'f1', 'v1', '..', BINARY), key, /argument 4 is "\.\."/)
  })

  test.each(UNSENDABLE.map((v) => [JSON.stringify(v), v]))(
    '%s as a key, a middle argument, or the command name is refused',
    async (_, value) => {
      const client = make()
      const key = uniqueKey('pf-each')
      const why = value === '' ? /an empty string/ : /URLs remove "\." and "\.\." segments/
      await expectRefused(client.rpush(key, value, BINARY), key, why)
      await expectRefused(client.lpush(key, 'x', value, 'y', BINARY), key, why)
      await expectRefused(client.call(value, key, BINARY), key, /the command name is/)
      if (value !== '') expect(await oracle.exists(value)).toBe(0) // rpush('.', binary) stored nowhere
      // In JSON (no binary argument) the same values are ordinary arguments.
      expect(await client.rpush(key, 'a', value, 'b')).toBe(3)
      expect(await oracle.lrange(key, 0, -1)).toEqual(['a', value, 'b'])
    },
  )

  test('a pipeline reports the refusal in that command’s slot and runs the rest', async () => {
    const key = uniqueKey('pf-pipeline')
    const results = await make().pipeline().rpush(key, '.', BINARY).rpush(key, 'ok').exec()
    expect(results[0][0]).toBeInstanceOf(TypeError)
    expect(results[1]).toEqual([null, 1])
    expect(await oracle.lrange(key, 0, -1)).toEqual(['ok'])
  })

  test('look-alikes of dot segments and URL syntax arrive exactly', async () => {
    const key = uniqueKey('pf-exact')
    const values = [
      '...',
      '.a',
      'a.',
      '%2e',
      '%2E',
      '.%2e',
      '%2e%2E',
      ' ',
      '/',
      '//',
      '?',
      '#',
      '\\',
      '\t',
      'a/../b',
      'é',
      '+',
      '%',
      "'()*!~",
      ';,=&@$:',
      '\u0000',
      'e\u0301', // not NFC: no Unicode normalisation either
    ]
    expect(await make().rpush(key, ...values, BINARY)).toBe(values.length + 1)
    const stored = await oracle.lrangeBuffer(key, 0, -1)
    expect(stored.slice(0, -1).map(String)).toEqual(values)
    expect(stored[stored.length - 1]).toEqual(BINARY)
  })

  test(`a path over ${MAX_PATH_BYTES} bytes is refused with the limit; a long one under it arrives`, async () => {
    const client = make()
    const long = uniqueKey('pf-long')
    const field = 'f'.repeat(20000)
    expect(await client.hset(long, field, BINARY)).toBe(1)
    expect(await oracle.hgetBuffer(long, field)).toEqual(BINARY)

    const tooLong = uniqueKey('pf-too-long')
    const error = await expectRefused(client.hset(tooLong, 'é'.repeat(MAX_PATH_BYTES), BINARY), tooLong, /URL path of/)
    expect(error.message).toContain(String(MAX_PATH_BYTES))
  })
})

describe('subscribe: the channel is a URL path segment', () => {
  test.each(UNSENDABLE.map((v) => [JSON.stringify(v), v]))(
    'subscribe and psubscribe of %s are refused before a stream opens',
    async (_, name) => {
      const client = make()
      for (const [method, kind] of [
        ['subscribe', 'channel'],
        ['psubscribe', 'pattern'],
      ]) {
        const error = await within(rejectionOf(client[method](name)), 5000, `${method}(${JSON.stringify(name)})`)
        expect(error).toBeInstanceOf(TypeError)
        expect(error.message).toContain(`${method}: the ${kind} is`)
        expect(error.message).toContain(`/${method}/<${kind}>`)
      }
      // A refused name among good ones: nothing was subscribed.
      await rejectionOf(client.subscribe(uniqueKey('pf-sub'), name))
      expect(await oracle.pubsub('NUMSUB', name)).toEqual([name, 0])
    },
  )

  test('dot look-alikes are subscribed to and receive their messages', async () => {
    const client = make()
    const names = ['...', '%2e', '.x', '%2E%2E'].map((suffix) => uniqueKey('pf-sub') + suffix)
    const received = []
    client.on('message', (channel, message) => received.push([channel, message]))
    expect(await within(client.subscribe(...names), 10000, 'subscribe')).toBe(names.length)
    for (const name of names) expect(await oracle.publish(name, `to ${name}`)).toBe(1)
    await within(
      (async () => {
        while (received.length < names.length) await new Promise((resolve) => setTimeout(resolve, 20))
      })(),
      10000,
      'messages',
    )
    expect(received).toEqual(names.map((name) => [name, `to ${name}`]))
  })
})
