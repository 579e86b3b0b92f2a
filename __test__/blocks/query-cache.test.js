'use strict'
const Redis = require('../..')
const { QueryCache } = require('../../lib/blocks')
const { env, uniqueKey } = require('../helpers')

let redis
let cache
beforeAll(() => {
  const { url, token } = env()
  redis = new Redis({ url, token })
})
afterAll(() => redis.quit())
beforeEach(() => {
  cache = new QueryCache(redis, { prefix: uniqueKey('cache') + ':', ttlSeconds: 30 })
})

test('a miss runs the loader and stores; the next read is a hit', async () => {
  let calls = 0
  const loader = async () => ({ rows: [{ id: 1, title: 'Fragment' }], at: ++calls })
  const first = await cache.fetch('projects:user:1', loader)
  expect(first).toEqual({ value: { rows: [{ id: 1, title: 'Fragment' }], at: 1 }, hit: false })
  const second = await cache.fetch('projects:user:1', loader)
  expect(second).toEqual({ value: first.value, hit: true })
  expect(calls).toBe(1)
  const ttl = await redis.ttl(cache.prefix + 'projects:user:1')
  expect(ttl).toBeGreaterThan(0)
  expect(ttl).toBeLessThanOrEqual(30)
})

test('concurrent misses share one loader call', async () => {
  let calls = 0
  const loader = () => new Promise((resolve) => setTimeout(() => resolve(++calls), 50))
  const results = await Promise.all(Array.from({ length: 10 }, () => cache.fetch('slow', loader)))
  expect(calls).toBe(1)
  expect(results.every((r) => r.value === 1)).toBe(true)
})

test('invalidate forces the next read to load again', async () => {
  let calls = 0
  const loader = async () => ++calls
  await cache.fetch('k', loader)
  expect(await cache.invalidate('k')).toBe(1)
  expect(await cache.fetch('k', loader)).toEqual({ value: 2, hit: false })
})

test('a failing loader stores nothing and the error reaches the caller', async () => {
  await expect(cache.fetch('bad', async () => Promise.reject(new Error('db down')))).rejects.toThrow('db down')
  expect(await redis.exists(cache.prefix + 'bad')).toBe(0)
  await expect(cache.fetch('undef', async () => undefined)).rejects.toThrow(TypeError)
})
