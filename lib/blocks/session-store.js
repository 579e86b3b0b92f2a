'use strict'
// Login sessions in Redis: JSON under `<prefix><id>`, expiring after `ttlSeconds` of inactivity.
const { randomBytes } = require('node:crypto')

class SessionStore {
  /**
   * @param {import('../redis.js').Redis} redis
   * @param {{ prefix?: string, ttlSeconds?: number }} [options] sliding expiry, default 7 days
   */
  constructor(redis, { prefix = 'session:', ttlSeconds = 7 * 24 * 3600 } = {}) {
    if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) throw new RangeError('ttlSeconds must be a positive integer')
    this.redis = redis
    this.prefix = prefix
    this.ttlSeconds = ttlSeconds
  }

  /** Stores `data` under a new unguessable id and returns the id (the cookie value). */
  async create(data) {
    const id = randomBytes(24).toString('base64url')
    await this.redis.set(this.prefix + id, JSON.stringify(data), 'EX', this.ttlSeconds)
    return id
  }

  /** The session's data, or null when unknown or expired; reading it renews the expiry. */
  async get(id) {
    if (!isId(id)) return null
    const json = await this.redis.getex(this.prefix + id, 'EX', this.ttlSeconds)
    return json === null ? null : JSON.parse(json)
  }

  /** Replaces the data of an existing session; false when it no longer exists. */
  async update(id, data) {
    if (!isId(id)) return false
    const reply = await this.redis.set(this.prefix + id, JSON.stringify(data), 'EX', this.ttlSeconds, 'XX')
    return reply === 'OK'
  }

  /** Logs out: true when a session was removed. */
  async destroy(id) {
    if (!isId(id)) return false
    return (await this.redis.del(this.prefix + id)) === 1
  }
}

// Ids come from cookies: anything else is rejected before it can address another key.
function isId(id) {
  return typeof id === 'string' && /^[A-Za-z0-9_-]{16,128}$/.test(id)
}

module.exports = { SessionStore }
