'use strict'
// Cache-aside for expensive queries: one loader call per key across every process sharing the
// cache (a `SET NX PX` lock, waiters poll for the value within a bounded wait), optional
// stale-while-revalidate, invalidation by key or by tag.
//
// Keys (`<p>` is the prefix; each namespace is a fixed word, so user keys cannot collide):
//   <p>value:<key>  {"swr":s,"tags":{"t":"v"},"value":…}, expiring after ttlSeconds + staleSeconds
//   <p>lock:<key>   the loader's lock token
//   <p>gen:<key>    bumped by invalidate(): a load that began before it may not write its result
//   <p>tag:<tag>    bumped by invalidateTags(): entries record the versions they were loaded under
// A tag version lives at least as long as every entry recorded under it (the write extends it),
// so an invalidated entry can never become valid again because its tag's counter expired.
const { randomUUID } = require('node:crypto')
const { encodeJson, decodeJson } = require('./json.js')
const { Script, dropUnreadable } = require('./scripts.js')
const { UnreadableDataError, reporter } = require('./report.js')
const {
  positiveInteger,
  nonNegativeInteger,
  nonEmptyString,
  options,
  prefix: prefixOption,
  client,
} = require('./validate.js')

const DEFAULT_TTL_SECONDS = 60
const DEFAULT_LOCK_MS = 10000
// How long a generation survives an invalidate(): longer than any load can reasonably take.
const GENERATION_HORIZON_MS = 24 * 3600 * 1000
const FIRST_POLL_MS = 20
const MAX_POLL_MS = 250

// KEYS: value, lock, generation, ...tags. ARGV: entry, px, lock token, generation seen, ...tag versions seen.
// Writes only when nothing was invalidated since the load began; releases the lock either way.
const writeScript = new Script(`
local px = tonumber(ARGV[2])
local written = 0
local current = true
for i = 3, #KEYS do
  if (redis.call('GET', KEYS[i]) or '0') ~= ARGV[i + 1] then current = false end
end
if current then
  for i = 4, #KEYS do
    redis.call('SET', KEYS[i], ARGV[i + 1], 'NX')
    if redis.call('PTTL', KEYS[i]) < px then redis.call('PEXPIRE', KEYS[i], px) end
  end
  redis.call('SET', KEYS[1], ARGV[1], 'PX', px)
  written = 1
end
if redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('DEL', KEYS[2]) end
return written
`)

// KEYS: lock. ARGV: token.
const releaseScript = new Script(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`)

// KEYS: (value, lock, generation) per key, then tag counters. ARGV: number of keys, horizon ms.
// Returns how many values were deleted.
const invalidateScript = new Script(`
local keyCount = tonumber(ARGV[1])
local horizon = tonumber(ARGV[2])
local deleted = 0
local function bump(counter)
  redis.call('INCR', counter)
  if redis.call('PTTL', counter) < horizon then redis.call('PEXPIRE', counter, horizon) end
end
for i = 1, keyCount * 3, 3 do
  deleted = deleted + redis.call('DEL', KEYS[i])
  redis.call('DEL', KEYS[i + 1])
  bump(KEYS[i + 2])
end
for i = keyCount * 3 + 1, #KEYS do bump(KEYS[i]) end
return deleted
`)

class QueryCache {
  /**
   * @param {import('../redis.js').Redis} redis
   * @param {{ prefix?: string, ttlSeconds?: number, staleSeconds?: number, lockMs?: number,
   *   onError?: (error: Error) => void, waitUntil?: (promise: Promise<unknown>) => void }} [options]
   */
  constructor(redis, settings) {
    const {
      prefix = 'cache:',
      ttlSeconds = DEFAULT_TTL_SECONDS,
      staleSeconds = 0,
      lockMs = DEFAULT_LOCK_MS,
      onError,
      waitUntil,
    } = options(
      settings,
      ['prefix', 'ttlSeconds', 'staleSeconds', 'lockMs', 'onError', 'waitUntil'],
      'QueryCache options',
    )
    this.redis = client(redis, 'QueryCache')
    this.prefix = prefixOption(prefix, 'QueryCache prefix')
    this.ttlSeconds = positiveInteger(ttlSeconds, 'QueryCache ttlSeconds')
    this.staleSeconds = nonNegativeInteger(staleSeconds, 'QueryCache staleSeconds')
    this.lockMs = positiveInteger(lockMs, 'QueryCache lockMs')
    if (waitUntil !== undefined && typeof waitUntil !== 'function')
      throw new TypeError('QueryCache waitUntil must be a function')
    this.waitUntil = waitUntil
    this.report = reporter(onError)
    /** key → { promise, tags }: this process's load per key, shared by concurrent misses. */
    this.loading = new Map()
    /** key → promise: background refreshes of stale entries. */
    this.refreshing = new Map()
  }

  /**
   * The cached value of `key`, or `loader()`'s result, stored for next time. A miss and a hit give
   * the same shape: the value's JSON round trip (a Date comes back as its ISO string).
   * @template T
   * @param {string} key
   * @param {() => Promise<T> | T} loader
   * @param {{ ttlSeconds?: number, staleSeconds?: number, tags?: string[] }} [options]
   * @returns {Promise<{ value: T, hit: boolean, stale: boolean }>}
   */
  async fetch(key, loader, fetchOptions) {
    const call = this._call(key, loader, fetchOptions)
    const found = await this._read(call)
    if (found.hit) {
      if (!found.fresh) this._refresh(call)
      return { value: found.value, hit: true, stale: !found.fresh }
    }
    let flight = this.loading.get(key)
    if (!flight) {
      const promise = this._load(call, found).finally(() => {
        if (this.loading.get(key) === flight) this.loading.delete(key)
      })
      flight = { promise, tags: call.tags }
      this.loading.set(key, flight)
    }
    const { value, hit } = await flight.promise
    return { value, hit, stale: false }
  }

  /**
   * Drops cached entries, e.g. after a write that changes their result. A load of one of these keys
   * still running (here or in another process) does not write its result back, and fetch() calls
   * after this resolved never share it. Resolves with the number of entries deleted.
   */
  async invalidate(...keys) {
    const list = keys.flat()
    for (const key of list) nonEmptyString(key, 'QueryCache key')
    if (list.length === 0) return 0
    for (const key of list) this._forget(key)
    const redisKeys = list.flatMap((key) => [this._key('value', key), this._key('lock', key), this._key('gen', key)])
    return invalidateScript.run(this.redis, redisKeys, [list.length, GENERATION_HORIZON_MS])
  }

  /** Invalidates every entry fetched with one of these tags (everywhere, at once: O(1) per tag). */
  async invalidateTags(...tags) {
    const list = normalizeTags(tags.flat())
    if (list.length === 0) return
    for (const [key, flight] of this.loading) if (flight.tags.some((tag) => list.includes(tag))) this._forget(key)
    await invalidateScript.run(
      this.redis,
      list.map((tag) => this._key('tag', tag)),
      [0, GENERATION_HORIZON_MS],
    )
  }

  _call(key, loader, fetchOptions) {
    const {
      ttlSeconds = this.ttlSeconds,
      staleSeconds = this.staleSeconds,
      tags = [],
    } = options(fetchOptions, ['ttlSeconds', 'staleSeconds', 'tags'], 'QueryCache fetch() options')
    nonEmptyString(key, 'QueryCache key')
    if (typeof loader !== 'function') throw new TypeError('QueryCache loader must be a function')
    positiveInteger(ttlSeconds, 'QueryCache ttlSeconds')
    nonNegativeInteger(staleSeconds, 'QueryCache staleSeconds')
    if (!Array.isArray(tags)) throw new TypeError('QueryCache tags must be an array of strings')
    return { key, loader, ttlSeconds, staleSeconds, tags: normalizeTags(tags) }
  }

  _key(kind, name) {
    return `${this.prefix}${kind}:${name}`
  }

  _forget(key) {
    this.loading.delete(key)
    this.refreshing.delete(key)
  }

  /**
   * One round trip: the entry, its remaining life, the key's generation and the requested tags'
   * versions. `{ hit, value, fresh }` for a valid entry; always `{ generation, versions }` for a load.
   */
  async _read(call) {
    const valueKey = this._key('value', call.key)
    const [raw, pttl, generation, ...tagVersions] = await Promise.all([
      this.redis.get(valueKey).catch((error) => {
        if (!/^WRONGTYPE/.test(String(error && error.message))) throw error
        return WRONG_TYPE
      }),
      this.redis.pttl(valueKey),
      this.redis.get(this._key('gen', call.key)),
      ...call.tags.map((tag) => this.redis.get(this._key('tag', tag))),
    ])
    const versions = {}
    call.tags.forEach((tag, i) => (versions[tag] = tagVersions[i] ?? '0'))
    const miss = { hit: false, generation: generation ?? '0', versions }
    if (raw === null) return miss
    const entry = raw === WRONG_TYPE ? undefined : parseEntry(raw)
    if (!entry) {
      const reason = raw === WRONG_TYPE ? 'type' : decodeJson(raw).ok ? 'shape' : 'json'
      await this._drop(call.key, raw === WRONG_TYPE ? '' : raw, reason)
      return miss
    }
    // An entry stored under tags not asked for this time is still checked against all of its own.
    const unknown = Object.keys(entry.tags).filter((tag) => !(tag in versions))
    const current = { ...versions }
    if (unknown.length > 0) {
      const extra = await Promise.all(unknown.map((tag) => this.redis.get(this._key('tag', tag))))
      unknown.forEach((tag, i) => (current[tag] = extra[i] ?? '0'))
    }
    for (const [tag, version] of Object.entries(entry.tags)) if (current[tag] !== version) return miss
    const fresh = pttl === -1 || pttl > entry.swr * 1000
    return { ...miss, hit: true, value: entry.value, fresh }
  }

  /** A miss: take the lock and load, or wait (bounded) for whoever holds it to store the value. */
  async _load(call, seen) {
    const lockKey = this._key('lock', call.key)
    const token = randomUUID()
    const deadline = Date.now() + this.lockMs
    let state = seen
    let pause = FIRST_POLL_MS
    for (;;) {
      if ((await this.redis.set(lockKey, token, 'PX', this.lockMs, 'NX')) === 'OK') {
        // The holder before us may have stored the value just before releasing the lock.
        const again = await this._read(call).catch(async (error) => {
          await releaseScript.run(this.redis, [lockKey], [token])
          throw error
        })
        if (again.hit) {
          await releaseScript.run(this.redis, [lockKey], [token])
          return { value: again.value, hit: true }
        }
        return this._runLoader(call, again, token)
      }
      if (Date.now() >= deadline) return this._runLoader(call, state, token)
      await new Promise((resolve) => setTimeout(resolve, pause))
      pause = Math.min(MAX_POLL_MS, Math.ceil(pause * 1.5))
      state = await this._read(call)
      if (state.hit) return { value: state.value, hit: true }
    }
  }

  /** Runs the loader; stores its JSON unless something was invalidated meanwhile. Errors store nothing. */
  async _runLoader(call, state, token) {
    const lockKey = this._key('lock', call.key)
    let text
    try {
      const value = await call.loader()
      text = encodeJson(value, `QueryCache loader for ${JSON.stringify(call.key)}`)
    } catch (error) {
      await releaseScript.run(this.redis, [lockKey], [token]).catch(() => {})
      throw error
    }
    const entry = `{"swr":${call.staleSeconds},"tags":${JSON.stringify(state.versions)},"value":${text}}`
    const keys = [
      this._key('value', call.key),
      lockKey,
      this._key('gen', call.key),
      ...call.tags.map((tag) => this._key('tag', tag)),
    ]
    const px = (call.ttlSeconds + call.staleSeconds) * 1000
    await writeScript.run(this.redis, keys, [
      entry,
      px,
      token,
      state.generation,
      ...call.tags.map((tag) => state.versions[tag]),
    ])
    return { value: JSON.parse(text), hit: false }
  }

  /** Stale-while-revalidate: one background refresh per key and process; failures are reported. */
  _refresh(call) {
    if (this.refreshing.has(call.key) || this.loading.has(call.key)) return
    const lockKey = this._key('lock', call.key)
    const token = randomUUID()
    const work = (async () => {
      if ((await this.redis.set(lockKey, token, 'PX', this.lockMs, 'NX')) !== 'OK') return
      const state = await this._read(call)
      if (state.hit && state.fresh) {
        await releaseScript.run(this.redis, [lockKey], [token])
        return
      }
      await this._runLoader(call, state, token)
    })()
    const promise = work
      .catch((error) =>
        this.report(new Error(`QueryCache: refreshing ${JSON.stringify(call.key)} failed`, { cause: error })),
      )
      .finally(() => {
        if (this.refreshing.get(call.key) === promise) this.refreshing.delete(call.key)
      })
    this.refreshing.set(call.key, promise)
    if (this.waitUntil) this.waitUntil(promise)
  }

  async _drop(key, raw, reason) {
    await dropUnreadable.run(this.redis, [this._key('value', key)], [raw])
    this.report(
      new UnreadableDataError(
        `QueryCache: the entry for ${JSON.stringify(key)} was not written by QueryCache; it was deleted`,
        {
          block: 'QueryCache',
          reason,
        },
      ),
    )
  }
}

const WRONG_TYPE = Symbol('wrong type')

function parseEntry(raw) {
  const decoded = decodeJson(raw)
  const entry = decoded.ok ? decoded.value : undefined
  if (entry === null || typeof entry !== 'object' || !Object.prototype.hasOwnProperty.call(entry, 'value'))
    return undefined
  if (!Number.isSafeInteger(entry.swr) || entry.swr < 0) return undefined
  if (entry.tags === null || typeof entry.tags !== 'object' || Array.isArray(entry.tags)) return undefined
  if (!Object.values(entry.tags).every((v) => typeof v === 'string')) return undefined
  return entry
}

function normalizeTags(tags) {
  for (const tag of tags) nonEmptyString(tag, 'QueryCache tag')
  return [...new Set(tags)].sort()
}

module.exports = { QueryCache }
