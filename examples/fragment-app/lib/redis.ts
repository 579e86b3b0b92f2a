// The one Redis client of this process. Every module that needs Redis imports it from here.
//
// Kept on globalThis in every mode, not only in development: `next dev` re-evaluates modules on
// each edit, and a production server can evaluate this module more than once too (Next.js 16
// loads route handlers and pages in separate module graphs), which would make one client — one
// connection pool and one set of pub/sub streams — per graph. globalThis is one per process.
//
// Construction reads UPSTASH_REDIS_REST_URL / UPSTASH_REDIS_REST_TOKEN and does not throw when
// they are missing (so `next build` works without secrets); the first command does, naming them.
import Redis from '@fragment/redis-native'

const store = globalThis as typeof globalThis & { fragmentRedis?: Redis; fragmentRedisCreated?: number }

export const redis: Redis = (store.fragmentRedis ??= createClient())

function createClient() {
  store.fragmentRedisCreated = (store.fragmentRedisCreated ?? 0) + 1
  return new Redis()
}

/** How many clients this process made (the health route shows it: it stays 1 across reloads). */
export const clientsCreated = () => store.fragmentRedisCreated ?? 0
