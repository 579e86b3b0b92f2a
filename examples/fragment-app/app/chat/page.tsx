import { redirect } from 'next/navigation'
import { Chat } from './chat'
import { chatIdOf, readMessages } from '@/lib/chat'
import { currentSession } from '@/lib/session'

export const dynamic = 'force-dynamic'

export default async function ChatPage() {
  const session = await currentSession()
  if (!session) redirect('/')
  const id = chatIdOf(session.user)
  return <Chat id={id} initialMessages={await readMessages(id)} />
}
