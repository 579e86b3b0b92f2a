'use strict'
// The ordering contract under parallel requests (docs/ordering.md), checked against a sequential
// model: many callers issue random mixes of writes (plain and path-form), reads, barriers (a
// script without declared keys), transactions and failing commands on a few keys, through a proxy
// that delays each request at random so requests reach the gateway out of order. Every reply must
// be what the same commands give when run one by one in issue order: per key, nothing overtakes.
const { env, uniqueKey } = require('../support')
const { clients, within, useProxyAndOracle } = require('./support/common')

const make = clients()
const { token } = env()
const { proxy } = useProxyAndOracle()

/** mulberry32: a small seeded generator, so a failure can be replayed from its seed. */
function random(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

// Reads every list named in ARGV: declares no keys, so the client must treat it as a barrier.
const LENGTHS = "local n = {} for i, k in ipairs(ARGV) do n[i] = redis.call('LLEN', k) end return n"

const hex = (value) => Buffer.from(value).toString('hex')

/**
 * Runs `callers` callers of `steps` operations each against `client`; returns the mismatches
 * between what came back and what the sequential model says (empty when the contract held).
 */
async function run(client, rand, { callers, steps, keyCount }) {
  const base = uniqueKey('order-prop')
  const keys = Array.from({ length: keyCount }, (_, i) => `${base}:${i}`)
  const model = new Map(keys.map((k) => [k, []]))
  const checks = []
  let serial = 0
  const pick = () => keys[Math.floor(rand() * keys.length)]
  const expectOp = (label, promise, expected) =>
    checks.push(
      promise.then(
        (value) => ({ label, value, expected }),
        (error) => ({ label, value: `error: ${error.message.split(' ')[0]}`, expected }),
      ),
    )

  // Each issue*() applies the operation to the model at the moment the client method is called:
  // that call order is the issue order the contract is about.
  const ops = [
    [
      30,
      () => {
        const key = pick()
        const item = `s${serial++}`
        model.get(key).push(hex(item))
        expectOp(`rpush ${key}`, client.rpush(key, item), model.get(key).length)
      },
    ],
    [
      10,
      () => {
        const key = pick()
        const item = Buffer.from([0xff, 0xfe, serial++ & 0xff, (serial >> 8) & 0xff])
        model.get(key).push(item.toString('hex'))
        expectOp(`rpush(binary) ${key}`, client.rpush(key, item), model.get(key).length)
      },
    ],
    [
      25,
      () => {
        const key = pick()
        expectOp(
          `lrange ${key}`,
          client.lrangeBuffer(key, 0, -1).then((items) => items.map((b) => b.toString('hex'))),
          [...model.get(key)],
        )
      },
    ],
    [
      8,
      () => {
        expectOp(
          'barrier',
          client.eval(LENGTHS, 0, ...keys),
          keys.map((k) => model.get(k).length),
        )
      },
    ],
    [
      12,
      () => {
        const [a, b] = [pick(), pick()]
        const item = `m${serial++}`
        model.get(a).push(hex(item))
        const expected = [
          [null, model.get(a).length],
          [null, model.get(b).map((h) => Buffer.from(h, 'hex').toString('latin1'))],
        ]
        const exec = client.multi().rpush(a, item).lrangeBuffer(b, 0, -1).exec()
        expectOp(
          `multi ${a} ${b}`,
          exec.then((results) =>
            results.map(([e, v]) => [e, Array.isArray(v) ? v.map((x) => x.toString('latin1')) : v]),
          ),
          expected,
        )
      },
    ],
    [
      5,
      () => {
        // A failing command changes nothing and takes only its own slot.
        expectOp('incr on a list', client.incr(pick()), 'error: WRONGTYPE')
      },
    ],
    [3, () => expectOp('ping', client.ping(), 'PONG')],
  ]
  const total = ops.reduce((sum, [weight]) => sum + weight, 0)
  const issue = () => {
    let r = rand() * total
    for (const [weight, op] of ops) {
      if ((r -= weight) < 0) return op()
    }
  }

  // Lists must exist before a binary rpush can be read back as a list: seed each key once.
  for (const key of keys) {
    model.get(key).push(hex('seed'))
    expectOp(`seed ${key}`, client.rpush(key, 'seed'), 1)
  }
  await Promise.all(
    Array.from({ length: callers }, async () => {
      for (let step = 0; step < steps; step++) {
        const burst = 1 + Math.floor(rand() * 4)
        for (let i = 0; i < burst; i++) issue()
        const pause = rand()
        if (pause < 0.3) await null
        else if (pause < 0.6) await new Promise((resolve) => setImmediate(resolve))
        else if (pause < 0.8) await new Promise((resolve) => setTimeout(resolve, Math.floor(rand() * 4)))
        else await checks[checks.length - 1] // wait for my own last reply, as dependent steps do
      }
    }),
  )
  const results = await within(Promise.all(checks), 60000, 'every reply')
  return results.filter(({ value, expected }) => JSON.stringify(value) !== JSON.stringify(expected))
}

describe('per-key order with parallel requests (property)', () => {
  test.each([
    ['window 1', { maxInFlight: 1 }, 11],
    ['window 4', { maxInFlight: 4 }, 22],
    ['window 16, tiny batches', { maxInFlight: 16, maxBatchCommands: 3 }, 33],
    ['window 8, resp2 replies', { maxInFlight: 8, responseEncoding: 'resp2' }, 44],
  ])(
    '%s: every reply equals the sequential model',
    async (_, options, seed) => {
      // Random delays per request: parallel requests reach the gateway in another order than sent.
      const rand = random(seed)
      proxy().plan(...Array.from({ length: 4000 }, () => ({ delayMs: Math.floor(rand() * 12) })))
      const client = make({ url: proxy().url, token, ...options })
      const mismatches = await run(client, rand, { callers: 24, steps: 25, keyCount: 6 })
      expect({ seed, mismatches: mismatches.slice(0, 5) }).toEqual({ seed, mismatches: [] })
    },
    90000,
  )
})

describe('batching with parallel requests', () => {
  /** Records the command count of every /pipeline request handed over while `run()` goes. */
  async function requestsDuring(client, run) {
    await client.ping()
    const native = client._dispatcher.native
    const original = native.submitCommands
    const counts = []
    native.submitCommands = function (...args) {
      counts.push(args[1])
      return original.apply(this, args)
    }
    try {
      return { result: await run(), counts }
    } finally {
      native.submitCommands = original
    }
  }

  test('a one-tick burst on distinct keys still leaves in full requests (1000 commands each)', async () => {
    const client = make({ url: proxy().url, token, maxInFlight: 8 })
    const base = uniqueKey('batch-burst')
    const { result, counts } = await requestsDuring(client, () =>
      Promise.all(Array.from({ length: 3000 }, (_, i) => client.set(`${base}:${i}`, i))),
    )
    expect(result).toEqual(Array(3000).fill('OK'))
    expect(counts).toEqual([1000, 1000, 1000])
  })

  test('while the window is full, commands accumulate and the next request carries them all', async () => {
    // Two requests of 60 ms in flight at a time; 200 commands issued one per millisecond or so.
    proxy().mode = { delayMs: 60 }
    const client = make({ url: proxy().url, token, maxInFlight: 2 })
    const base = uniqueKey('batch-window')
    const { result, counts } = await requestsDuring(client, async () => {
      const replies = []
      for (let i = 0; i < 200; i++) {
        replies.push(client.incr(`${base}:${i % 50}`))
        await new Promise((resolve) => setTimeout(resolve, 1))
      }
      return Promise.all(replies)
    })
    expect(result.slice(0, 50)).toEqual(Array(50).fill(1))
    expect(result.slice(150)).toEqual(Array(50).fill(4))
    expect(counts.reduce((a, b) => a + b, 0)).toBe(200)
    // Far fewer requests than commands: ~60 ms of commands share each one.
    expect(counts.length).toBeLessThan(40)
    expect(Math.max(...counts)).toBeGreaterThan(10)
  })
})

describe('reads of one key travel side by side; a write still waits for them', () => {
  /**
   * Issues `ops` (each `[label, (client) => promise]`) one event-loop turn apart through a proxy
   * that holds every request 100 ms. Returns, per label in the order they were handed to the native
   * core, the labels of the commands in flight (in other requests) at that moment.
   */
  async function sends(ops) {
    proxy().mode = { delayMs: 100 }
    const client = make({ url: proxy().url, token, maxInFlight: 8 })
    await client.ping()
    const dispatcher = client._dispatcher
    const original = dispatcher.submit
    const sent = []
    dispatcher.submit = function (entries) {
      const travelling = [...this.inFlight.values()].flatMap((request) => request.entries.map((e) => e.label))
      for (const entry of entries) sent.push([entry.label, travelling])
      return original.call(this, entries)
    }
    try {
      const replies = []
      for (const [label, issue] of ops) {
        const before = dispatcher.waiting.size
        replies.push(issue(client))
        // The entry just queued (it leaves on the next tick at the earliest): labelled for the hook.
        dispatcher.waiting.items[dispatcher.waiting.head + before].label = label
        await new Promise((resolve) => setImmediate(resolve))
      }
      await within(Promise.all(replies), 30000, 'every reply')
      return sent
    } finally {
      dispatcher.submit = original
    }
  }

  test('a second GET of a key leaves while the first travels; a SET after them waits for both', async () => {
    const key = uniqueKey('shared-reads')
    const sent = await sends([
      ['get 1', (client) => client.get(key)],
      ['get 2', (client) => client.get(key)],
      ['set', (client) => client.set(key, 'v')],
      ['get 3', (client) => client.get(key)],
    ])
    expect(sent.map(([label]) => label)).toEqual(['get 1', 'get 2', 'set', 'get 3'])
    const travelling = new Map(sent)
    // The second read left while the first was still on its way (each is held 100 ms)…
    expect(travelling.get('get 2')).toContain('get 1')
    // …the write only once both reads were answered, and the read after it not beside it.
    expect(travelling.get('set')).not.toContain('get 1')
    expect(travelling.get('set')).not.toContain('get 2')
    expect(travelling.get('get 3')).not.toContain('set')
  }, 60000)
})

describe('the names a command is ordered by (lib/commands.js orderingKeys)', () => {
  const { orderingKeys } = require('../../lib/commands.js')
  test.each([
    ['get', ['k'], ['k']],
    ['mset', ['a', '1', 'b', '2'], ['a', 'b']],
    ['eval', ['return 1', '1', 'k', 'arg'], ['k']],
    ['xread', ['COUNT', '1', 'STREAMS', 's1', 's2', '0', '0'], ['s1', 's2']],
    ['publish', ['ch', 'm'], ['ch']],
    ['ping', [], []],
    ['get', [Buffer.from('k')], ['k']],
    ['sort', ['k', 'STORE', 'd'], ['k', 'd']],
  ])('%s %j → %j', (name, args, keys) => {
    expect(orderingKeys(name, args)).toEqual(keys)
  })

  test.each([
    ['eval', ['return 1', '0']], // no declared keys
    ['keys', ['*']],
    ['scan', ['0']],
    ['flushall', []],
    ['dbsize', []],
    ['randomkey', []],
    ['script', ['flush']],
    ['sort', ['k', 'BY', 'w_*']],
    ['nosuchcommand', ['k']],
    ['incr', []], // too few arguments: Redis refuses it, the client must not throw
  ])('%s %j is a barrier', (name, args) => {
    expect(orderingKeys(name, args)).toBeNull()
  })
})
