'use strict'
// Building blocks for a Next.js server on Redis: `require('@fragment/redis-native/blocks')`.
const { SessionStore } = require('./session-store.js')
const { QueryCache } = require('./query-cache.js')
const { ChatHistory } = require('./chat-history.js')
const { RateLimit, RateLimitUnreachableError } = require('./rate-limit.js')
const { UnreadableDataError } = require('./report.js')

module.exports = { SessionStore, QueryCache, ChatHistory, RateLimit, RateLimitUnreachableError, UnreadableDataError }
