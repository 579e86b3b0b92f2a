// The limit on /api/chat: RateLimit (@fragment/redis-native/blocks), @upstash/ratelimit's fixed
// window with its key layout.
import { RateLimit } from '@fragment/redis-native/blocks'
import { redis } from './redis'

export const CHAT_LIMIT = Number(process.env.CHAT_RATE_LIMIT ?? 5)
export const CHAT_WINDOW_SECONDS = Number(process.env.CHAT_RATE_WINDOW_SECONDS ?? 60)

export const chatLimit = new RateLimit(redis, {
  limiter: RateLimit.fixedWindow(CHAT_LIMIT, CHAT_WINDOW_SECONDS * 1000),
  prefix: 'app:ratelimit:chat',
  // Every request here runs the (paid, in a real app) model: no limiter, no request.
  whenUnreachable: 'deny',
})
