import { createUIMessageStreamResponse, generateId, streamText, toUIMessageStream, type UIMessage } from 'ai'
import { appendMessages, chatIdOf, clearActiveStreamId, setActiveStreamId } from '@/lib/chat-store'
import { simulatedModel } from '@/lib/model'
import { limitFixedWindow } from '@/lib/rate-limit'
import { currentSession } from '@/lib/session'
import { streamContext } from '@/lib/streams'

export const dynamic = 'force-dynamic'

const LIMIT = Number(process.env.CHAT_RATE_LIMIT ?? 5)
const WINDOW_SECONDS = Number(process.env.CHAT_RATE_WINDOW_SECONDS ?? 60)

export async function POST(request: Request) {
  const session = await currentSession()
  if (!session) return Response.json({ error: 'log in first' }, { status: 401 })

  const limit = await limitFixedWindow(`chat:${session.user}`, LIMIT, WINDOW_SECONDS)
  if (!limit.success) {
    const retryAfter = Math.max(1, Math.ceil((limit.reset - Date.now()) / 1000))
    return Response.json(
      { error: `rate limited: ${limit.limit} messages per ${WINDOW_SECONDS} s` },
      { status: 429, headers: { 'Retry-After': String(retryAfter), 'X-RateLimit-Remaining': '0' } },
    )
  }

  const body = (await request.json().catch(() => null)) as { id?: string; message?: UIMessage } | null
  const chatId = chatIdOf(session.user)
  const message = body?.message
  if (body?.id !== chatId || message?.role !== 'user' || !Array.isArray(message.parts)) {
    return Response.json({ error: 'expected { id, message } for your chat' }, { status: 400 })
  }
  const prompt = message.parts.map((part) => (part.type === 'text' ? part.text : '')).join('')
  await appendMessages(chatId, [message])

  const result = streamText({ model: simulatedModel(prompt), prompt })
  let streamId: string | undefined
  return createUIMessageStreamResponse({
    stream: toUIMessageStream({
      stream: result.stream,
      originalMessages: [message],
      generateMessageId: generateId,
      // Runs when the model is done, also when the browser left meanwhile: the resumable copy
      // below keeps reading the stream.
      onEnd: async ({ responseMessage }) => {
        await appendMessages(chatId, [responseMessage])
        if (streamId) await clearActiveStreamId(chatId, streamId)
      },
    }),
    async consumeSseStream({ stream }) {
      // Every chunk goes to Redis too, so a reload (or another tab) resumes the same reply.
      streamId = generateId()
      await streamContext.createNewResumableStream(streamId, () => stream)
      await setActiveStreamId(chatId, streamId)
    },
  })
}
