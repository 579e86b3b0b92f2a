'use strict'
// The caps of one auto-pipelined request (maxBatchCommands, maxBatchBytes) have one owner: the
// dispatcher, which decides what leaves together. They are not handed to the native transport,
// which never splits a request. Proved through a proxy that records every request.
const { uniqueKey } = require('../support')
const { clients, useProxyAndOracle } = require('./support/common')
const { resolveOptions, nativeOptions, dispatchOptions } = require('../../lib/options')

const make = clients()
const { proxy } = useProxyAndOracle()

/** Commands per /pipeline request that mention `text`, in the order they were sent. */
function pipelineSizes(text) {
  return proxy()
    .requestsFor(text)
    .filter((r) => r.path === '/pipeline')
    .map((r) => JSON.parse(r.body).length)
}

test('the caps go to the dispatcher only, never to the native options', () => {
  const options = resolveOptions([{ url: 'http://127.0.0.1:1', token: 't', maxBatchCommands: 7, maxBatchBytes: 99 }])
  expect(nativeOptions(options)).not.toHaveProperty('maxBatchCommands')
  expect(nativeOptions(options)).not.toHaveProperty('maxBatchBytes')
  expect(dispatchOptions(options)).toMatchObject({ maxBatchCommands: 7, maxBatchBytes: 99 })
  expect(dispatchOptions({ ...options, enableAutoPipelining: false })).toMatchObject({ maxBatchCommands: 1 })
})

test('a pipeline of more commands than maxBatchCommands is split, in order, nothing lost', async () => {
  const redis = make({ url: proxy().url, token: process.env.UPSTASH_REDIS_REST_TOKEN, maxBatchCommands: 10 })
  const key = uniqueKey('cap-pipeline')
  const pipeline = redis.pipeline()
  for (let i = 0; i < 95; i++) pipeline.incr(key)
  pipeline.get(key)
  const results = await pipeline.exec()
  expect(results).toEqual([...Array.from({ length: 95 }, (_, i) => [null, i + 1]), [null, '95']])
  const sizes = pipelineSizes(key)
  expect(Math.max(...sizes)).toBeLessThanOrEqual(10)
  expect(sizes.reduce((a, b) => a + b, 0)).toBe(96)
})

test('a pipeline larger than maxBatchBytes is split by size, every value stored whole', async () => {
  const redis = make({ url: proxy().url, token: process.env.UPSTASH_REDIS_REST_TOKEN, maxBatchBytes: 8 * 1024 })
  const key = uniqueKey('cap-bytes')
  const value = 'v'.repeat(3000)
  const pipeline = redis.pipeline()
  for (let i = 0; i < 12; i++) pipeline.set(`${key}:${i}`, value)
  expect(await pipeline.exec()).toEqual(Array(12).fill([null, 'OK']))
  const sizes = pipelineSizes(key)
  expect(Math.max(...sizes)).toBe(2) // two ~3 KB commands fit in 8 KiB, three do not
  expect(sizes.reduce((a, b) => a + b, 0)).toBe(12)
  expect(await redis.strlen(`${key}:11`)).toBe(value.length)
})

// Commands carry an upper bound of their JSON size (6 bytes per UTF-16 unit); near the cap the
// dispatcher measures them. Values whose JSON is much longer than the string (escaped control
// characters, multi-byte text) show that the cap counts bytes on the wire, not string lengths.
test.each([
  ['escaped control characters (6 bytes each)', '\u0001', 6, 2],
  ['two-byte UTF-8 text', 'é', 2, 6],
])('maxBatchBytes counts the body as sent: %s', async (_, char, bytesPerChar, perRequest) => {
  const cap = 40 * 1024
  const redis = make({ url: proxy().url, token: process.env.UPSTASH_REDIS_REST_TOKEN, maxBatchBytes: cap })
  const key = uniqueKey('cap-escaped')
  const value = char.repeat(3000)
  expect(Buffer.byteLength(JSON.stringify(value))).toBe(3000 * bytesPerChar + 2)
  const replies = await Promise.all(Array.from({ length: 12 }, (_, i) => redis.set(`${key}:${i}`, value)))
  expect(replies).toEqual(Array(12).fill('OK'))
  const bodies = proxy()
    .requestsFor(key)
    .filter((r) => r.path === '/pipeline')
    .map((r) => r.body)
  for (const body of bodies) expect(Buffer.byteLength(body)).toBeLessThanOrEqual(cap)
  const sizes = bodies.map((body) => JSON.parse(body).length)
  expect(Math.max(...sizes)).toBe(perRequest) // as many as fit, no fewer
  expect(sizes.reduce((a, b) => a + b, 0)).toBe(12)
  expect(await redis.get(`${key}:11`)).toBe(value)
})
