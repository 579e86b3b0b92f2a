'use strict'
// Argument checks shared by the building blocks: a bad option fails at the call, before any
// Redis command or loader runs, with the option's name in the message.

function positiveInteger(value, name) {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive integer, got ${describe(value)}`)
  }
  return value
}

function nonNegativeInteger(value, name) {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${describe(value)}`)
  }
  return value
}

function nonEmptyString(value, name, maxLength = 512) {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
    throw new TypeError(`${name} must be a non-empty string of at most ${maxLength} characters, got ${describe(value)}`)
  }
  return value
}

/**
 * An options argument: undefined gives {}; anything but a plain object, or a key the callee does not
 * know (a typo such as `ttl` for `ttlSeconds`), is an error instead of a silently ignored option.
 */
function options(value, known, name) {
  if (value === undefined) return {}
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`${name} must be an object, got ${describe(value)}`)
  }
  const unknown = Object.keys(value).filter((key) => !known.includes(key))
  if (unknown.length > 0) throw new TypeError(`${name}: unknown ${unknown.join(', ')} (known: ${known.join(', ')})`)
  return value
}

/** A key prefix: any string, '' included. */
function prefix(value, name) {
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string, got ${describe(value)}`)
  return value
}

/** The client a block runs on: this package's Redis, or ioredis. */
function client(redis, name) {
  if (!redis || typeof redis.evalsha !== 'function' || typeof redis.multi !== 'function') {
    throw new TypeError(`${name} needs a Redis client (this package's Redis, or ioredis) as its first argument`)
  }
  // Its scripts answer counts and flags as integers, compared and added as numbers; as text they
  // would compare as text ('10' <= '9').
  if (redis.options?.stringNumbers === true) {
    throw new TypeError(
      `${name} needs integer replies as numbers, and this client has stringNumbers: true; ` +
        'pass redis.duplicate({ stringNumbers: false })',
    )
  }
  return redis
}

function describe(value) {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
  if (typeof value === 'bigint') return `${value}n`
  if (value === null || typeof value !== 'object') return String(value)
  return Array.isArray(value) ? 'an array' : 'an object'
}

module.exports = { positiveInteger, nonNegativeInteger, nonEmptyString, options, prefix, client, describe }
