'use strict'
// Login sessions in Redis, expiring after `ttlSeconds` without a read (sliding expiry).
//
// Keys: `<prefix><id>` holds `{"v":1,"data":…,"userId":…}`; `<prefix>user:<userId>` is the set of
// that user's session ids (ids never contain ':', so the two cannot collide). The index expires
// with the user's newest session: every write or renewal of a session sets the index's TTL to the
// full `ttlSeconds`, which is at least what any of the user's sessions has left.
const { randomBytes } = require('node:crypto')
const { encodeJson, decodeJson } = require('./json.js')
const { Script, dropUnreadable } = require('./scripts.js')
const { UnreadableDataError, reporter } = require('./report.js')
const { positiveInteger, nonEmptyString, options, prefix: prefixOption, client } = require('./validate.js')
const { exec } = require('./transaction.js')

const ENVELOPE_VERSION = 1
const DEFAULT_TTL_SECONDS = 7 * 24 * 3600
// A concurrent update() may change the session between rotate()'s read and its swap; the swap then
// refuses and rotate() reads again. More changes than this in a row mean something else is wrong.
const ROTATE_ATTEMPTS = 5
// destroyUserSessions() repeats while logins add sessions to the index it is emptying.
const DESTROY_ROUNDS = 20

// KEYS: old session, new session, [old user index], [new user index].
// ARGV: the old session's text as read, the new text, ttl, old id, new id, has old user, has new user.
const rotateScript = new Script(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
local i = 3
if ARGV[6] == '1' then
  redis.call('SREM', KEYS[i], ARGV[4])
  i = i + 1
end
if ARGV[7] == '1' then
  redis.call('SADD', KEYS[i], ARGV[5])
  redis.call('EXPIRE', KEYS[i], ARGV[3])
end
return 1
`)

class SessionStore {
  /**
   * @param {import('../redis.js').Redis} redis
   * @param {{ prefix?: string, ttlSeconds?: number, onError?: (error: Error) => void }} [options]
   *   ttlSeconds: sliding expiry, default 7 days; onError: gets an UnreadableDataError when a
   *   session key holds data this store did not write (default: a process warning)
   */
  constructor(redis, settings) {
    const {
      prefix = 'session:',
      ttlSeconds = DEFAULT_TTL_SECONDS,
      onError,
    } = options(settings, ['prefix', 'ttlSeconds', 'onError'], 'SessionStore options')
    this.redis = client(redis, 'SessionStore')
    this.prefix = prefixOption(prefix, 'SessionStore prefix')
    this.ttlSeconds = positiveInteger(ttlSeconds, 'SessionStore ttlSeconds')
    this.report = reporter(onError)
  }

  /**
   * Stores `data` under a new unguessable id and returns the id (the cookie value). With `userId`,
   * the session is listed for destroyUserSessions(userId).
   */
  async create(data, createOptions) {
    const { userId } = options(createOptions, ['userId'], 'SessionStore create() options')
    const text = this._encode(data, userId)
    const id = newId()
    if (userId === undefined) {
      await this.redis.set(this.prefix + id, text, 'EX', this.ttlSeconds)
    } else {
      await exec(
        this.redis
          .multi()
          .set(this.prefix + id, text, 'EX', this.ttlSeconds)
          .sadd(this._userKey(userId), id)
          .expire(this._userKey(userId), this.ttlSeconds),
      )
    }
    return id
  }

  /**
   * The session's data, or null when unknown, expired or unreadable; reading renews the expiry.
   * Unreadable data (not JSON, not written by this store, another Redis type) is reported once
   * through `onError` and deleted, so it cannot linger while the browser keeps sending the cookie.
   */
  async get(id) {
    if (!isId(id)) return null
    const session = await this._read(id, true)
    if (!session) return null
    if (session.userId !== undefined) await this.redis.expire(this._userKey(session.userId), this.ttlSeconds)
    return session.data
  }

  /** Replaces the data of an existing session (keeping its user); false when it no longer exists. */
  async update(id, data) {
    this._encode(data, undefined) // bad data fails here, whatever the id
    if (!isId(id)) return false
    const session = await this._read(id, false)
    if (!session) return false
    const text = this._encode(data, session.userId)
    const tx = this.redis.multi().set(this.prefix + id, text, 'EX', this.ttlSeconds, 'XX')
    if (session.userId !== undefined) tx.expire(this._userKey(session.userId), this.ttlSeconds)
    const [reply] = await exec(tx)
    return reply === 'OK'
  }

  /**
   * Moves a session to a new id and kills the old one (call it on login, against session
   * fixation). `changes.data` / `changes.userId` replace the data / the owner on the way. Resolves
   * with the new id, or null when `id` has no session (then create() one).
   */
  async rotate(id, rotateChanges) {
    const changes = options(rotateChanges, ['data', 'userId'], 'SessionStore rotate() changes')
    const hasData = Object.prototype.hasOwnProperty.call(changes, 'data')
    if (hasData || changes.userId !== undefined) this._encode(hasData ? changes.data : null, changes.userId)
    if (!isId(id)) return null
    for (let attempt = 0; attempt < ROTATE_ATTEMPTS; attempt += 1) {
      const raw = await this.redis.get(this.prefix + id).catch((error) => this._unreadableType(id, error))
      const session = raw === null ? null : await this._parse(id, raw)
      if (!session) return null
      const userId = changes.userId !== undefined ? changes.userId : session.userId
      const text = this._encode(hasData ? changes.data : session.data, userId)
      const fresh = newId()
      const keys = [this.prefix + id, this.prefix + fresh]
      if (session.userId !== undefined) keys.push(this._userKey(session.userId))
      if (userId !== undefined) keys.push(this._userKey(userId))
      const flags = [session.userId !== undefined ? '1' : '0', userId !== undefined ? '1' : '0']
      const swapped = await rotateScript.run(this.redis, keys, [raw, text, this.ttlSeconds, id, fresh, ...flags])
      if (swapped === 1) return fresh
    }
    return null
  }

  /** Logs out: true when a session was removed. */
  async destroy(id) {
    if (!isId(id)) return false
    const session = await this._read(id, false)
    if (!session) return false
    const tx = this.redis.multi().del(this.prefix + id)
    if (session.userId !== undefined) tx.srem(this._userKey(session.userId), id)
    const [removed] = await exec(tx)
    return removed === 1
  }

  /** Logs a user out everywhere: removes every session created or rotated with this userId. */
  async destroyUserSessions(userId) {
    const userKey = this._userKey(userId)
    let removed = 0
    for (let round = 0; round < DESTROY_ROUNDS; round += 1) {
      const ids = (await this.redis.smembers(userKey)).filter(isId)
      if (ids.length === 0) break
      const replies = await exec(
        this.redis
          .multi()
          .del(...ids.map((id) => this.prefix + id))
          .srem(userKey, ...ids),
      )
      removed += replies[0]
    }
    return removed
  }

  _userKey(userId) {
    return `${this.prefix}user:${nonEmptyString(userId, 'SessionStore userId')}`
  }

  _encode(data, userId) {
    if (userId !== undefined) nonEmptyString(userId, 'SessionStore userId')
    const envelope = { v: ENVELOPE_VERSION, data }
    if (userId !== undefined) envelope.userId = userId
    // The envelope's own fields are JSON; a problem can only be in `data`, so name it that way.
    encodeJson(data, 'SessionStore data')
    return JSON.stringify(envelope)
  }

  /** The session under `id` as `{ data, userId }`, or null (absent, or unreadable: reported, dropped). */
  async _read(id, renew) {
    const key = this.prefix + id
    const read = renew ? this.redis.getex(key, 'EX', this.ttlSeconds) : this.redis.get(key)
    const raw = await read.catch((error) => this._unreadableType(id, error))
    return raw === null ? null : this._parse(id, raw)
  }

  async _parse(id, raw) {
    const decoded = decodeJson(raw)
    const envelope = decoded.ok ? decoded.value : undefined
    const valid =
      envelope !== null &&
      typeof envelope === 'object' &&
      envelope.v === ENVELOPE_VERSION &&
      Object.prototype.hasOwnProperty.call(envelope, 'data') &&
      (envelope.userId === undefined || (typeof envelope.userId === 'string' && envelope.userId !== ''))
    if (valid) return { data: envelope.data, userId: envelope.userId }
    await this._drop(id, raw, decoded.ok ? 'shape' : 'json')
    return null
  }

  // WRONGTYPE: another Redis type under a session key. Anything else is a real failure.
  async _unreadableType(id, error) {
    if (!/^WRONGTYPE/.test(String(error && error.message))) throw error
    await this._drop(id, '', 'type')
    return null
  }

  async _drop(id, raw, reason) {
    await dropUnreadable.run(this.redis, [this.prefix + id], [raw])
    const what = { json: 'is not JSON', shape: 'is JSON this store did not write', type: 'is not a string' }[reason]
    this.report(
      new UnreadableDataError(`SessionStore: a session under "${this.prefix}" ${what}; it was deleted (no session)`, {
        block: 'SessionStore',
        reason,
      }),
    )
  }
}

// Ids come from cookies: anything else is rejected before it can address another key.
function isId(id) {
  return typeof id === 'string' && /^[A-Za-z0-9_-]{16,128}$/.test(id)
}

function newId() {
  return randomBytes(24).toString('base64url')
}

module.exports = { SessionStore }
