'use strict'
// The messages of a chat, oldest first, capped and expiring.
//
// Keys: `<prefix>messages:<chatId>` is a list of message JSON; `<prefix>count:<chatId>` counts every
// message ever appended. A message's position in the whole history (its index in that count) does
// not move when the cap trims the oldest, so a page cursor stays valid while messages arrive.
const { randomUUID } = require('node:crypto')
const { encodeJson, decodeJson } = require('./json.js')
const { Script } = require('./scripts.js')
const { UnreadableDataError, reporter } = require('./report.js')
const { positiveInteger, nonEmptyString, options, prefix: prefixOption, client, describe } = require('./validate.js')
const { exec } = require('./transaction.js')

const DEFAULT_MAX_MESSAGES = 1000
const DEFAULT_TTL_SECONDS = 30 * 24 * 3600
const DEFAULT_PAGE = 50
const ROLES = ['system', 'user', 'assistant', 'tool']
const MESSAGE_FIELDS = ['id', 'role', 'content', 'createdAt', 'metadata']

// KEYS: messages, count. ARGV: position to stop before ('' = the end), page size.
// Returns { position of the page's first message, position of the oldest kept message, messages }.
const pageScript = new Script(`
local total = tonumber(redis.call('GET', KEYS[2]) or '0')
local first = total - redis.call('LLEN', KEYS[1])
local stop = total
if ARGV[1] ~= '' then stop = math.min(tonumber(ARGV[1]), total) end
local start = math.max(first, stop - tonumber(ARGV[2]))
if stop <= start then return {start, first, {}} end
return {start, first, redis.call('LRANGE', KEYS[1], start - first, stop - first - 1)}
`)

class ChatHistory {
  /**
   * @param {import('../redis.js').Redis} redis
   * @param {{ prefix?: string, maxMessages?: number, ttlSeconds?: number, onError?: (error: Error) => void }} [options]
   *   maxMessages: the oldest beyond it are trimmed; ttlSeconds: a chat expires this long after its last append
   */
  constructor(redis, settings) {
    const {
      prefix = 'chat:history:',
      maxMessages = DEFAULT_MAX_MESSAGES,
      ttlSeconds = DEFAULT_TTL_SECONDS,
      onError,
    } = options(settings, ['prefix', 'maxMessages', 'ttlSeconds', 'onError'], 'ChatHistory options')
    this.redis = client(redis, 'ChatHistory')
    this.prefix = prefixOption(prefix, 'ChatHistory prefix')
    this.maxMessages = positiveInteger(maxMessages, 'ChatHistory maxMessages')
    this.ttlSeconds = positiveInteger(ttlSeconds, 'ChatHistory ttlSeconds')
    this.report = reporter(onError)
  }

  /**
   * Appends messages (one or an array) in one round trip: RPUSH, LTRIM to the cap and EXPIRE in a
   * MULTI. Missing ids and createdAt are filled in; resolves with the messages as stored.
   */
  async append(chatId, messages) {
    const keys = this._keys(chatId)
    const list = Array.isArray(messages) ? messages : [messages]
    if (list.length === 0) return []
    const stored = list.map((message, i) =>
      normalizeMessage(message, Array.isArray(messages) ? `messages[${i}]` : 'message'),
    )
    const texts = stored.map((message) => JSON.stringify(message))
    await exec(
      this.redis
        .multi()
        .rpush(keys.messages, ...texts)
        .ltrim(keys.messages, -this.maxMessages, -1)
        .incrby(keys.count, texts.length)
        .expire(keys.messages, this.ttlSeconds)
        .expire(keys.count, this.ttlSeconds),
    )
    return stored
  }

  /** The newest `limit` messages, oldest first, and a cursor for the page before them (null: no more). */
  latest(chatId, limit = DEFAULT_PAGE) {
    return this._page(chatId, '', limit)
  }

  /** The `limit` messages before `cursor` (from latest() or before()), oldest first. */
  before(chatId, cursor, limit = DEFAULT_PAGE) {
    if (typeof cursor !== 'string' || !/^\d{1,15}$/.test(cursor)) {
      return Promise.reject(
        new TypeError(`ChatHistory cursor must be a cursor string from latest() or before(), got ${describe(cursor)}`),
      )
    }
    return this._page(chatId, cursor, limit)
  }

  /** Every message kept (at most maxMessages), oldest first. */
  async all(chatId) {
    return (await this._page(chatId, '', this.maxMessages)).messages
  }

  /** Deletes the chat's history; true when there was one. */
  async clear(chatId) {
    const keys = this._keys(chatId)
    return (await this.redis.del(keys.messages, keys.count)) > 0
  }

  async _page(chatId, stop, limit) {
    const keys = this._keys(chatId)
    positiveInteger(limit, 'ChatHistory limit')
    const [start, first, texts] = await pageScript.run(this.redis, [keys.messages, keys.count], [stop, limit])
    const messages = []
    for (const text of texts) {
      const message = parseMessage(text)
      if (message) messages.push(message)
      else {
        this.report(
          new UnreadableDataError(
            `ChatHistory: a message of chat ${JSON.stringify(chatId)} was not written by ChatHistory; skipped`,
            {
              block: 'ChatHistory',
              reason: decodeJson(text).ok ? 'shape' : 'json',
            },
          ),
        )
      }
    }
    return { messages, cursor: start > first ? String(start) : null }
  }

  _keys(chatId) {
    nonEmptyString(chatId, 'ChatHistory chatId')
    return { messages: `${this.prefix}messages:${chatId}`, count: `${this.prefix}count:${chatId}` }
  }
}

/** The stored form of one message, or a TypeError naming what is wrong (nothing is dropped silently). */
function normalizeMessage(message, what) {
  if (message === null || typeof message !== 'object' || Array.isArray(message)) {
    throw new TypeError(`ChatHistory ${what} must be an object, got ${describe(message)}`)
  }
  const unknown = Object.keys(message).filter((field) => !MESSAGE_FIELDS.includes(field))
  if (unknown.length > 0)
    throw new TypeError(
      `ChatHistory ${what} has unknown fields: ${unknown.join(', ')} (allowed: ${MESSAGE_FIELDS.join(', ')})`,
    )
  const { id = randomUUID(), role, content, createdAt = new Date(), metadata } = message
  nonEmptyString(id, `ChatHistory ${what}.id`, 128)
  if (!ROLES.includes(role))
    throw new TypeError(`ChatHistory ${what}.role must be one of ${ROLES.join(', ')}, got ${describe(role)}`)
  if (typeof content !== 'string') {
    if (!Array.isArray(content) || !content.every(isPart)) {
      throw new TypeError(`ChatHistory ${what}.content must be a string or an array of parts ({ type: string, … })`)
    }
    encodeJson(content, `ChatHistory ${what}.content`)
  }
  const stored = { id, role, content, createdAt: isoTime(createdAt, what) }
  if (metadata !== undefined) {
    encodeJson(metadata, `ChatHistory ${what}.metadata`)
    stored.metadata = JSON.parse(JSON.stringify(metadata))
  }
  if (typeof content !== 'string') stored.content = JSON.parse(JSON.stringify(content))
  return stored
}

function isPart(part) {
  return (
    part !== null &&
    typeof part === 'object' &&
    !Array.isArray(part) &&
    typeof part.type === 'string' &&
    part.type !== ''
  )
}

function isoTime(value, what) {
  const date =
    value instanceof Date ? value : typeof value === 'string' || typeof value === 'number' ? new Date(value) : null
  if (!date || Number.isNaN(date.getTime())) {
    throw new TypeError(
      `ChatHistory ${what}.createdAt must be a Date, an ISO time string or epoch milliseconds, got ${describe(value)}`,
    )
  }
  return date.toISOString()
}

function parseMessage(text) {
  const decoded = decodeJson(text)
  const m = decoded.ok ? decoded.value : null
  if (m === null || typeof m !== 'object') return null
  const valid =
    typeof m.id === 'string' &&
    ROLES.includes(m.role) &&
    (typeof m.content === 'string' || (Array.isArray(m.content) && m.content.every(isPart))) &&
    typeof m.createdAt === 'string'
  return valid ? m : null
}

module.exports = { ChatHistory }
