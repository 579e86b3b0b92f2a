// The chat of a user: its history in ChatHistory (@fragment/redis-native/blocks), and the id of
// the reply being written (the resumable stream a reload continues).
import type { UIMessage } from 'ai'
import { ChatHistory, type ChatMessage, type ChatMessageInput, type Json } from '@fragment/redis-native/blocks'
import { redis } from './redis'

export const history = new ChatHistory(redis, {
  prefix: 'app:chat:history:',
  maxMessages: 200,
  ttlSeconds: 30 * 24 * 3600,
})

/** The chat of one user: users never address another user's chat. */
export const chatIdOf = (user: string) => `user-${user}`

/**
 * An AI SDK message as a ChatHistory message: its parts become the content. The AI SDK leaves
 * optional fields present but undefined (`providerMetadata: undefined`, `metadata: undefined`),
 * which ChatHistory refuses (it stores only what JSON gives back); undefined means absent here, so
 * the JSON round trip drops them and changes nothing else.
 */
function toStored(message: UIMessage): ChatMessageInput {
  const { id, role, parts, metadata } = JSON.parse(JSON.stringify(message)) as UIMessage & { metadata?: Json }
  return { id, role, content: parts as ChatMessageInput['content'], ...(metadata === undefined ? {} : { metadata }) }
}

function toUIMessage(message: ChatMessage): UIMessage {
  const parts = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content
  return {
    id: message.id,
    role: message.role === 'tool' ? 'assistant' : message.role,
    parts: parts as UIMessage['parts'],
    ...(message.metadata === undefined ? {} : { metadata: message.metadata }),
  }
}

/** The newest messages, oldest first (what the page shows). */
export async function readMessages(chatId: string, limit = 50): Promise<UIMessage[]> {
  return (await history.latest(chatId, limit)).messages.map(toUIMessage)
}

/** Appends messages in one round trip (RPUSH, LTRIM to the cap, EXPIRE). */
export async function appendMessages(chatId: string, messages: UIMessage[]) {
  await history.append(chatId, messages.map(toStored))
}

// The reply being written: one string key per chat, set while its stream runs.
const activeKey = (chatId: string) => `app:chat:active:${chatId}`
const ACTIVE_TTL_SECONDS = 24 * 3600
// Deletes the key only while it still names this stream: a newer reply may have replaced it.
const CLEAR_IF_SAME = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"

export const activeStreamId = (chatId: string) => redis.get(activeKey(chatId))
export const setActiveStreamId = (chatId: string, streamId: string) =>
  redis.set(activeKey(chatId), streamId, 'EX', ACTIVE_TTL_SECONDS)
export const clearActiveStreamId = (chatId: string, streamId: string) =>
  redis.eval(CLEAR_IF_SAME, 1, activeKey(chatId), streamId)
