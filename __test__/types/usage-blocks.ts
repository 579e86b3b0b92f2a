// Type tests for lib/blocks/index.d.ts (`@fragment/redis-native/blocks`). Compiled by
// __test__/types.test.js under module nodenext and commonjs, never run.
import Redis = require('@fragment/redis-native')
import IORedis from 'ioredis'
import {
  ChatHistory,
  QueryCache,
  RateLimit,
  RateLimitUnreachableError,
  SessionStore,
  UnreadableDataError,
  type ChatMessage,
  type ChatPage,
  type Fetched,
  type RateLimitResult,
} from '@fragment/redis-native/blocks'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
function assertType<_T extends true>(): void {}

interface Session {
  userId: string
  name: string
}

export async function sessions(redis: Redis, cookie: string) {
  const store = new SessionStore<Session>(redis, {
    ttlSeconds: 3600,
    onError: (error) => {
      if (error instanceof UnreadableDataError) console.warn(error.block, error.reason)
    },
  })
  const id = await store.create({ userId: 'u1', name: 'Ada' }, { userId: 'u1' })
  const session = await store.get(cookie)
  assertType<Equal<typeof session, Session | null>>()
  const rotated = await store.rotate(id, { data: { userId: 'u1', name: 'Ada L.' }, userId: 'u1' })
  assertType<Equal<typeof rotated, string | null>>()
  const removed: number = await store.destroyUserSessions('u1')
  // @ts-expect-error the data has the store's type
  await store.create({ user: 1 })
  return [removed, await store.update(id, { userId: 'u1', name: 'x' }), await store.destroy(id)]
}

export async function cache(redis: Redis) {
  const queries = new QueryCache(redis, { ttlSeconds: 60, staleSeconds: 300, waitUntil: (p) => void p })
  const result = await queries.fetch('projects:u1', async () => [{ id: 1 }], { tags: ['user:u1'], ttlSeconds: 30 })
  assertType<Equal<typeof result, Fetched<{ id: number }[]>>>()
  const flags: [boolean, boolean] = [result.hit, result.stale]
  const deleted: number = await queries.invalidate('projects:u1', ['a', 'b'])
  await queries.invalidateTags('user:u1')
  // @ts-expect-error tags are strings
  await queries.fetch('k', async () => 1, { tags: [1] })
  return [flags, deleted]
}

export async function history(redis: Redis) {
  const chats = new ChatHistory(redis, { maxMessages: 500 })
  const stored: ChatMessage[] = await chats.append('chat-1', [
    { role: 'user', content: 'hi' },
    { role: 'assistant', content: [{ type: 'text', text: 'hello' }], createdAt: new Date() },
  ])
  const page: ChatPage = await chats.latest('chat-1', 20)
  if (page.cursor !== null) await chats.before('chat-1', page.cursor, 20)
  // @ts-expect-error roles are the four chat roles
  await chats.append('chat-1', { role: 'robot', content: 'x' })
  return [stored, await chats.all('chat-1'), await chats.clear('chat-1')]
}

export async function limits(redis: Redis, ip: string) {
  const limiter = new RateLimit(redis, { limiter: RateLimit.slidingWindow(10, '10 s'), whenUnreachable: 'deny' })
  const result = await limiter.limit(ip)
  assertType<Equal<typeof result, RateLimitResult>>()
  if (!result.success) {
    const retryAfter = Math.ceil((result.reset - Date.now()) / 1000)
    if (result.reason === 'unreachable' && result.error instanceof RateLimitUnreachableError) return -1
    return retryAfter
  }
  new RateLimit(redis, { limiter: RateLimit.tokenBucket(5, 1000, 10), whenUnreachable: 'throw', timeoutMs: 1000 })
  // @ts-expect-error the unreachable policy is required
  new RateLimit(redis, { limiter: RateLimit.fixedWindow(5, '1 m') })
  // @ts-expect-error durations are "<n> <unit>" or milliseconds
  RateLimit.fixedWindow(5, '1 minute')
  await result.pending
  return (await limiter.getRemaining(ip)).remaining
}

export function onIORedis(client: IORedis) {
  return [
    new SessionStore(client),
    new QueryCache(client),
    new ChatHistory(client),
    new RateLimit(client, { limiter: RateLimit.fixedWindow(1, 1000), whenUnreachable: 'allow' }),
  ]
}

export function notAClient() {
  // @ts-expect-error a block needs a Redis client
  return new QueryCache({ get: async () => null })
}
