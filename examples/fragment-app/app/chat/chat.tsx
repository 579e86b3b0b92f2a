'use client'
import { useChat } from '@ai-sdk/react'
import { DefaultChatTransport, type UIMessage } from 'ai'
import { useState } from 'react'

const textOf = (message: UIMessage) => message.parts.map((part) => (part.type === 'text' ? part.text : '')).join('')

export function Chat({ id, initialMessages }: { id: string; initialMessages: UIMessage[] }) {
  const [input, setInput] = useState('')
  const { messages, sendMessage, status, error } = useChat({
    id,
    messages: initialMessages,
    resume: true, // GET /api/chat/[id]/stream on mount: a reply still being written continues here
    transport: new DefaultChatTransport({
      api: '/api/chat',
      prepareSendMessagesRequest: ({ id, messages }) => ({ body: { id, message: messages[messages.length - 1] } }),
    }),
  })
  return (
    <main>
      <h1>Chat</h1>
      <ol data-testid="messages">
        {messages.map((message) => (
          <li key={message.id} data-role={message.role}>
            <strong>{message.role}:</strong> <span data-testid="text">{textOf(message)}</span>
          </li>
        ))}
      </ol>
      <p data-testid="chat-status">{status}</p>
      {error ? <p role="alert">{error.message}</p> : null}
      <form
        onSubmit={(event) => {
          event.preventDefault()
          if (!input.trim()) return
          sendMessage({ text: input })
          setInput('')
        }}
      >
        <input name="prompt" value={input} onChange={(e) => setInput(e.target.value)} placeholder="Say something" />{' '}
        <button type="submit" disabled={status === 'streaming' || status === 'submitted'}>
          Send
        </button>
      </form>
    </main>
  )
}
