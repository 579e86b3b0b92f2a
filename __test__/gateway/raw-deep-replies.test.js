'use strict'
// Replies nest as deep as Redis lets them: a Lua table nested 7,900 levels (just below Lua's own
// C-stack limit) comes back whole, on every route and in every encoding.
const { Redis } = require('../..')
const { env } = require('../support')
const { cmd, pipeline, multiExec, send, BASE64 } = require('./support')

const NEST = `local t = {} local cur = t
for i = 1, tonumber(ARGV[1]) do local n = {} cur[1] = n cur = n end
cur[1] = 'leaf' return t`

/** Depth of the array nesting around the leaf, and the leaf. */
function unwrap(value) {
  let depth = 0
  while (Array.isArray(value)) {
    expect(value.length).toBe(1)
    value = value[0]
    depth++
  }
  return { depth, leaf: value }
}

describe('deeply nested replies', () => {
  test.each([65, 200, 7900])('depth %i via POST / (plain and base64)', async (n) => {
    const plain = await cmd(['EVAL', NEST, '0', String(n)], { timeoutMs: 20000 })
    expect(plain.status).toBe(200)
    expect(unwrap(plain.json.result)).toEqual({ depth: n + 1, leaf: 'leaf' })
    const b64 = await cmd(['EVAL', NEST, '0', String(n)], { headers: BASE64, timeoutMs: 20000 })
    expect(unwrap(b64.json.result)).toEqual({ depth: n + 1, leaf: Buffer.from('leaf').toString('base64') })
  })

  test('depth 7900 in /pipeline, /multi-exec and resp2', async () => {
    const c = ['EVAL', NEST, '0', '7900']
    const pl = await pipeline([c, ['PING']], { timeoutMs: 20000 })
    expect(pl.status).toBe(200)
    expect(unwrap(pl.json[0].result).depth).toBe(7901)
    const mx = await multiExec([c], { timeoutMs: 20000 })
    expect(unwrap(mx.json[0].result).depth).toBe(7901)
    const raw = await send({ body: c, headers: { 'upstash-response-format': 'resp2' }, timeoutMs: 20000 })
    expect(raw.status).toBe(200)
    expect(raw.body.toString()).toBe('*1\r\n'.repeat(7901) + '$4\r\nleaf\r\n')
  })

  test("past Lua's own limit the answer is Redis's own (its error where Lua stopped), not the gateway's", async () => {
    const res = await cmd(['EVAL', NEST, '0', '20000'], { timeoutMs: 20000 })
    expect(res.status).toBe(200)
    const { depth, leaf } = unwrap(res.json.result)
    expect(depth).toBeGreaterThan(7000)
    expect(leaf).toEqual({ error: expect.stringMatching(/lua stack limit/) })
  })

  test('the client decodes them too (JSON/base64 and resp2 replies)', async () => {
    const { url, token } = env()
    for (const responseEncoding of [undefined, 'resp2']) {
      const client = new Redis({ url, token, ...(responseEncoding ? { responseEncoding } : {}) })
      try {
        expect(unwrap(await client.eval(NEST, 0, 7900))).toEqual({ depth: 7901, leaf: 'leaf' })
        const [[error, result]] = await client.pipeline().eval(NEST, 0, 300).exec()
        expect(error).toBeNull()
        expect(unwrap(result)).toEqual({ depth: 301, leaf: 'leaf' })
      } finally {
        client.disconnect()
      }
    }
  })
})
