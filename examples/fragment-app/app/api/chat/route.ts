import { createUIMessageStreamResponse, generateId, streamText, toUIMessageStream, type UIMessage } from 'ai'
import { appendMessages, chatIdOf, clearActiveStreamId, setActiveStreamId } from '@/lib/chat'
import { CHAT_WINDOW_SECONDS, chatLimit } from '@/lib/limits'
import { simulatedModel } from '@/lib/model'
import { currentSession } from '@/lib/session'
import { streamContext } from '@/lib/streams'

export const dynamic = 'force-dynamic'

export async function POST(request: Request) {
  const session = await currentSession()
  if (!session) return Response.json({ error: 'log in first' }, { status: 401 })

  const limit = await chatLimit.limit(session.user)
  if (!limit.success) {
    // `reset` is when the window ends (epoch ms): the client may try again then.
    const retryAfter = String(Math.max(1, Math.ceil((limit.reset - Date.now()) / 1000)))
    if (limit.reason === 'unreachable') {
      return Response.json(
        { error: 'the rate limiter is unavailable' },
        { status: 503, headers: { 'Retry-After': retryAfter } },
      )
    }
    return Response.json(
      { error: `rate limited: ${limit.limit} messages per ${CHAT_WINDOW_SECONDS} s` },
      {
        status: 429,
        headers: {
          'Retry-After': retryAfter,
          'X-RateLimit-Limit': String(limit.limit),
          'X-RateLimit-Remaining': String(limit.remaining),
          'X-RateLimit-Reset': String(limit.reset),
        },
      },
    )
  }

  const body = (await request.json().catch(() => null)) as { id?: string; message?: UIMessage } | null
  const chatId = chatIdOf(session.user)
  const message = body?.message
  if (
    body?.id !== chatId ||
    message?.role !== 'user' ||
    typeof message.id !== 'string' ||
    !Array.isArray(message.parts) ||
    !message.parts.every((part) => part?.type === 'text' && typeof part.text === 'string')
  ) {
    return Response.json(
      { error: 'expected { id, message: a user message of text parts } for your chat' },
      { status: 400 },
    )
  }
  const prompt = message.parts.map((part) => (part.type === 'text' ? part.text : '')).join('')
  try {
    await appendMessages(chatId, [message])
  } catch (error) {
    // ChatHistory refuses what it cannot store as given (an over-long id, non-JSON data): the
    // client's fault, said in the error.
    if (error instanceof TypeError) return Response.json({ error: error.message }, { status: 400 })
    throw error
  }

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
