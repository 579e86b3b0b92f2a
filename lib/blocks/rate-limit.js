'use strict'
// Rate limits with the algorithms, Lua scripts and key layout of @upstash/ratelimit (single
// region), on this package's client or ioredis. Keys, with `<key>` = `<prefix>:<identifier>`:
//   fixed window    <key>:<floor(now / window)>                    a counter, PEXPIRE window
//   sliding window  <key>:<current window> and <key>:<previous>    counters, PEXPIRE 2·window + 1 s
//   token bucket    <key>                                          hash { refilledAt, tokens }
// The clock is the caller's Date.now(), as in @upstash/ratelimit: both decide identically at the
// same instant, whichever of them wrote the state before.
//
// Unlike @upstash/ratelimit, which lets every request through after its timeout without saying so,
// the behaviour when Redis cannot answer is a required choice (`whenUnreachable`), and such a
// decision carries `reason: 'unreachable'` and the error, which `onError` also receives.
const scripts = require('./rate-limit-scripts.js')
const { reporter } = require('./report.js')
const { positiveInteger, nonNegativeInteger, nonEmptyString, options, client, describe } = require('./validate.js')
const { TransportError } = require('../errors.js')

const DEFAULT_PREFIX = '@upstash/ratelimit'
const DYNAMIC_LIMIT_KEY_SUFFIX = ':dynamic:global'
// @upstash/ratelimit's default; there it silently fails open, here it applies `whenUnreachable`.
const DEFAULT_TIMEOUT_MS = 5000
const POLICIES = ['allow', 'deny', 'throw']
// Failures of the path to Redis, not answers from it. A refused token is configuration, not an outage.
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ECLOSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
])

class RateLimitUnreachableError extends Error {
  constructor(message, cause) {
    super(message, { cause })
    this.name = 'RateLimitUnreachableError'
    this.code = 'ERR_RATE_LIMIT_UNREACHABLE'
  }
}

class RateLimit {
  /** `tokens` requests per fixed `window` ("10 s", "1 m", or milliseconds). */
  static fixedWindow(tokens, window) {
    return Object.freeze({
      algorithm: 'fixedWindow',
      tokens: positiveInteger(tokens, 'fixedWindow tokens'),
      windowMs: duration(window, 'fixedWindow window'),
    })
  }

  /** `tokens` requests per rolling `window`: the previous window's count is weighted by its overlap. */
  static slidingWindow(tokens, window) {
    return Object.freeze({
      algorithm: 'slidingWindow',
      tokens: positiveInteger(tokens, 'slidingWindow tokens'),
      windowMs: duration(window, 'slidingWindow window'),
    })
  }

  /** A bucket of `maxTokens`, refilled by `refillRate` tokens every `interval`. */
  static tokenBucket(refillRate, interval, maxTokens) {
    return Object.freeze({
      algorithm: 'tokenBucket',
      refillRate: positiveInteger(refillRate, 'tokenBucket refillRate'),
      intervalMs: duration(interval, 'tokenBucket interval'),
      maxTokens: positiveInteger(maxTokens, 'tokenBucket maxTokens'),
    })
  }

  /**
   * @param {import('../redis.js').Redis} redis
   * @param {{ limiter: object, whenUnreachable: 'allow' | 'deny' | 'throw', prefix?: string,
   *   timeoutMs?: number, dynamicLimits?: boolean, onError?: (error: Error) => void }} options
   */
  constructor(redis, settings) {
    const {
      limiter,
      whenUnreachable,
      prefix = DEFAULT_PREFIX,
      timeoutMs = DEFAULT_TIMEOUT_MS,
      dynamicLimits = false,
      onError,
    } = options(
      settings,
      ['limiter', 'whenUnreachable', 'prefix', 'timeoutMs', 'dynamicLimits', 'onError'],
      'RateLimit options',
    )
    if (!limiter || !['fixedWindow', 'slidingWindow', 'tokenBucket'].includes(limiter.algorithm)) {
      throw new TypeError(
        'RateLimit limiter must come from RateLimit.fixedWindow(), .slidingWindow() or .tokenBucket()',
      )
    }
    if (!POLICIES.includes(whenUnreachable)) {
      throw new TypeError(
        `RateLimit whenUnreachable must be chosen: 'allow' (fail open), 'deny' (fail closed) or 'throw', got ${describe(whenUnreachable)}`,
      )
    }
    this.redis = client(redis, 'RateLimit')
    this.limiter = limiter
    this.whenUnreachable = whenUnreachable
    this.prefix = nonEmptyString(prefix, 'RateLimit prefix')
    this.timeoutMs = nonNegativeInteger(timeoutMs, 'RateLimit timeoutMs')
    if (typeof dynamicLimits !== 'boolean') throw new TypeError('RateLimit dynamicLimits must be a boolean')
    this.dynamicLimitKeys = dynamicLimits ? [this.prefix + DYNAMIC_LIMIT_KEY_SUFFIX] : []
    this.report = reporter(onError)
  }

  /**
   * Counts one request (or `rate` tokens; a negative rate refunds) for `identifier`.
   * @returns {Promise<{ success: boolean, limit: number, remaining: number, reset: number,
   *   pending: Promise<unknown>, reason?: 'unreachable', error?: Error }>}
   */
  async limit(identifier, limitOptions) {
    const { rate = 1 } = options(limitOptions, ['rate'], 'RateLimit limit() options')
    const key = this._key(identifier)
    if (!Number.isSafeInteger(rate)) throw new RangeError(`RateLimit rate must be an integer, got ${describe(rate)}`)
    const now = Date.now()
    const l = this.limiter
    try {
      if (l.algorithm === 'fixedWindow') {
        const bucket = Math.floor(now / l.windowMs)
        const [used, limit] = await this._run(
          scripts.fixedWindowLimit,
          [`${key}:${bucket}`],
          [l.tokens, l.windowMs, rate],
        )
        return decision(used <= limit, limit, Math.max(0, limit - used), (bucket + 1) * l.windowMs)
      }
      if (l.algorithm === 'slidingWindow') {
        const current = Math.floor(now / l.windowMs)
        const keys = [`${key}:${current}`, `${key}:${current - 1}`]
        const [remaining, limit] = await this._run(scripts.slidingWindowLimit, keys, [l.tokens, now, l.windowMs, rate])
        return decision(remaining >= 0, limit, Math.max(0, remaining), (current + 1) * l.windowMs)
      }
      const args = [l.maxTokens, l.intervalMs, l.refillRate, now, rate]
      const [remaining, reset, limit] = await this._run(scripts.tokenBucketLimit, [key], args)
      return decision(remaining >= 0, limit, Math.max(0, remaining), reset)
    } catch (error) {
      return this._unreachable(error, now)
    }
  }

  /** What `identifier` has left, without counting a request. */
  async getRemaining(identifier) {
    const key = this._key(identifier)
    const now = Date.now()
    const l = this.limiter
    if (l.algorithm === 'fixedWindow') {
      const bucket = Math.floor(now / l.windowMs)
      const [remaining, limit] = await this._run(scripts.fixedWindowRemaining, [`${key}:${bucket}`], [l.tokens])
      return { remaining: Math.max(0, remaining), reset: (bucket + 1) * l.windowMs, limit }
    }
    if (l.algorithm === 'slidingWindow') {
      const current = Math.floor(now / l.windowMs)
      const keys = [`${key}:${current}`, `${key}:${current - 1}`]
      const [remaining, limit] = await this._run(scripts.slidingWindowRemaining, keys, [l.tokens, now, l.windowMs])
      return { remaining: Math.max(0, remaining), reset: (current + 1) * l.windowMs, limit }
    }
    const [remaining, refilledAt, limit] = await this._run(scripts.tokenBucketRemaining, [key], [l.maxTokens])
    // -1: no bucket yet (the script's "identifier not found").
    const reset = refilledAt === -1 ? now + l.intervalMs : refilledAt + l.intervalMs
    return { remaining: Math.max(0, remaining), reset, limit }
  }

  /**
   * Forgets what `identifier` used: deletes the keys that decide its next request (older windows
   * expire on their own). Unlike @upstash/ratelimit's SCAN, only declared keys are touched.
   */
  async resetUsedTokens(identifier) {
    const key = this._key(identifier)
    const l = this.limiter
    if (l.algorithm === 'tokenBucket') return void (await this.redis.del(key))
    const current = Math.floor(Date.now() / l.windowMs)
    await this.redis.del(`${key}:${current}`, `${key}:${current - 1}`)
  }

  _key(identifier) {
    return `${this.prefix}:${nonEmptyString(identifier, 'RateLimit identifier')}`
  }

  /** The script, bounded by timeoutMs (its late answer, if any, still counts: as in @upstash/ratelimit). */
  _run(script, keys, args) {
    const run = script.run(this.redis, [...keys, ...this.dynamicLimitKeys], args)
    if (this.timeoutMs === 0) return run
    let timer
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => {
        const error = new Error(`Redis did not answer within ${this.timeoutMs} ms`)
        error.code = 'ETIMEDOUT'
        reject(error)
      }, this.timeoutMs)
    })
    return Promise.race([run, timeout]).finally(() => clearTimeout(timer))
  }

  _unreachable(error, now) {
    if (!isUnreachable(error)) throw error
    const wrapped = new RateLimitUnreachableError(
      `RateLimit: Redis is unreachable (${error.message}); whenUnreachable: '${this.whenUnreachable}'`,
      error,
    )
    this.report(wrapped)
    if (this.whenUnreachable === 'throw') throw wrapped
    const l = this.limiter
    const limit = l.algorithm === 'tokenBucket' ? l.maxTokens : l.tokens
    const period = l.algorithm === 'tokenBucket' ? l.intervalMs : l.windowMs
    const reset = l.algorithm === 'tokenBucket' ? now + period : (Math.floor(now / period) + 1) * period
    return { ...decision(this.whenUnreachable === 'allow', limit, 0, reset), reason: 'unreachable', error: wrapped }
  }
}

function decision(success, limit, remaining, reset) {
  return { success, limit, remaining, reset, pending: Promise.resolve() }
}

function isUnreachable(error) {
  if (!error || error.name === 'ReplyError') return false
  // This client's transport failures, its TimeoutError and QueueFullError included (each a
  // TransportError, under its own name).
  if (error instanceof TransportError) return error.code !== 'EUNAUTHORIZED'
  return (
    UNREACHABLE_CODES.has(error.code) ||
    error.name === 'MaxRetriesPerRequestError' ||
    error.message === 'Connection is closed.'
  )
}

// "10 s", "1.5 m", "100ms" as @upstash/ratelimit parses them, or a number of milliseconds.
function duration(value, name) {
  if (typeof value === 'number') return positiveInteger(value, `${name} (milliseconds)`)
  const match = typeof value === 'string' && value.match(/^(\d+(?:\.\d+)?)\s?(ms|s|m|h|d|w)$/)
  if (!match)
    throw new TypeError(
      `${name} must be like "10 s", "1 m", "500 ms" or a number of milliseconds, got ${describe(value)}`,
    )
  const multiplier = { ms: 1, s: 1000, m: 60000, h: 3600000, d: 86400000, w: 604800000 }[match[2]]
  const ms = Math.round(Number.parseFloat(match[1]) * multiplier)
  if (ms < 1) throw new RangeError(`${name} must be at least 1 ms, got ${describe(value)}`)
  return ms
}

module.exports = { RateLimit, RateLimitUnreachableError }
