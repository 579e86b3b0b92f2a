// A fixed-window limit on INCR + EXPIRE, app-local. Switch to the RateLimit block of
// @fragment/redis-native/blocks (same algorithms and keys as @upstash/ratelimit) once it exists.
import { redis } from './redis'

export type LimitResult = { success: boolean; limit: number; remaining: number; reset: number }

export async function limitFixedWindow(id: string, limit: number, windowSeconds: number): Promise<LimitResult> {
  const windowMs = windowSeconds * 1000
  const window = Math.floor(Date.now() / windowMs)
  const key = `app:ratelimit:${id}:${window}`
  const [[incrError, count], [expireError]] = (await redis.multi().incr(key).expire(key, windowSeconds).exec()) as [
    [Error | null, number],
    [Error | null, unknown],
  ]
  if (incrError || expireError) throw incrError ?? expireError
  return { success: count <= limit, limit, remaining: Math.max(0, limit - count), reset: (window + 1) * windowMs }
}
