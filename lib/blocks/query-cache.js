'use strict'
// Cache-aside for expensive queries: JSON values under `<prefix><key>` with a TTL, and one loader
// call per key at a time within this process (concurrent misses share it).

class QueryCache {
  /**
   * @param {import('../redis.js').Redis} redis
   * @param {{ prefix?: string, ttlSeconds?: number }} [options]
   */
  constructor(redis, { prefix = 'cache:', ttlSeconds = 60 } = {}) {
    if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) throw new RangeError('ttlSeconds must be a positive integer')
    this.redis = redis
    this.prefix = prefix
    this.ttlSeconds = ttlSeconds
    this.loading = new Map()
  }

  /**
   * The cached value of `key`, or `loader()`'s result, stored for next time.
   * @template T
   * @param {string} key
   * @param {() => Promise<T>} loader
   * @returns {Promise<{ value: T, hit: boolean }>}
   */
  async fetch(key, loader, { ttlSeconds = this.ttlSeconds } = {}) {
    const cached = await this.redis.get(this.prefix + key)
    if (cached !== null) return { value: JSON.parse(cached), hit: true }
    let pending = this.loading.get(key)
    if (!pending) {
      pending = this.load(key, loader, ttlSeconds).finally(() => this.loading.delete(key))
      this.loading.set(key, pending)
    }
    return { value: await pending, hit: false }
  }

  async load(key, loader, ttlSeconds) {
    const value = await loader()
    if (value === undefined) throw new TypeError(`QueryCache: the loader for ${JSON.stringify(key)} returned undefined`)
    await this.redis.set(this.prefix + key, JSON.stringify(value), 'EX', ttlSeconds)
    return value
  }

  /** Drops cached entries, e.g. after a write that changes their result. */
  async invalidate(...keys) {
    if (keys.length === 0) return 0
    return this.redis.del(keys.map((key) => this.prefix + key))
  }
}

module.exports = { QueryCache }
