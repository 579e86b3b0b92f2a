import { UI_MESSAGE_STREAM_HEADERS } from 'ai'
import { activeStreamId, chatIdOf } from '@/lib/chat'
import { currentSession } from '@/lib/session'
import { streamContext } from '@/lib/streams'

export const dynamic = 'force-dynamic'

/** useChat({ resume: true }) asks here on mount: the reply still being written, or 204. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const session = await currentSession()
  if (!session) return new Response(null, { status: 401 })
  const { id } = await params
  if (id !== chatIdOf(session.user)) return new Response(null, { status: 404 })
  const streamId = await activeStreamId(id)
  if (!streamId) return new Response(null, { status: 204 })
  const stream = await streamContext.resumeExistingStream(streamId)
  if (!stream) return new Response(null, { status: 204 }) // finished meanwhile: it is in the history
  return new Response(stream.pipeThrough(new TextEncoderStream()), { headers: UI_MESSAGE_STREAM_HEADERS })
}
