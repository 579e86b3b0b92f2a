// Chat history and the active reply's stream id, app-local on plain list and string commands.
// Switch to the ChatHistory block of @fragment/redis-native/blocks once it exists.
import type { UIMessage } from 'ai'
import { redis } from './redis'

const MAX_MESSAGES = 200
const TTL_SECONDS = 30 * 24 * 3600
const messagesKey = (chatId: string) => `app:chat:${chatId}:messages`
const activeKey = (chatId: string) => `app:chat:${chatId}:active`

/** The chat of one user: users never address another user's chat. */
export const chatIdOf = (user: string) => `user-${user}`

export async function readMessages(chatId: string): Promise<UIMessage[]> {
  const items = await redis.lrange(messagesKey(chatId), 0, -1)
  return items.map((item) => JSON.parse(item) as UIMessage)
}

/** Appends messages (one round trip: RPUSH, LTRIM to the newest MAX_MESSAGES, EXPIRE). */
export async function appendMessages(chatId: string, messages: UIMessage[]) {
  if (messages.length === 0) return
  const key = messagesKey(chatId)
  await redis
    .multi()
    .rpush(key, ...messages.map((m) => JSON.stringify(m)))
    .ltrim(key, -MAX_MESSAGES, -1)
    .expire(key, TTL_SECONDS)
    .exec()
}

export const activeStreamId = (chatId: string) => redis.get(activeKey(chatId))
export const setActiveStreamId = (chatId: string, streamId: string) =>
  redis.set(activeKey(chatId), streamId, 'EX', 24 * 3600)
/** Clears the active stream, unless a newer reply has replaced it meanwhile. */
export async function clearActiveStreamId(chatId: string, streamId: string) {
  if ((await redis.get(activeKey(chatId))) === streamId) await redis.del(activeKey(chatId))
}
