// Type tests for lib/stream/index.d.ts (`@fragment/redis-native/stream`). Compiled by
// __test__/types.test.js under module nodenext and commonjs, never run.
import Redis = require('@fragment/redis-native')
import {
  ChatStreams,
  ChatStreamWriter,
  StreamFailedError,
  StreamNotFoundError,
  StreamExistsError,
  StreamWriteError,
  InvalidResumePointError,
  type ChatStreamChunk,
  type ChatStreamReadOptions,
  type ChatStreamsOptions,
} from '@fragment/redis-native/stream'
import type { IncomingMessage } from 'node:http'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
function expectType<T>(_value: T): void {}
function assertType<_T extends true>(): void {}

export async function produce(redis: Redis, model: AsyncIterable<string>) {
  const options: ChatStreamsOptions = {
    prefix: 'chat:',
    maxLen: 10_000,
    activeTtlSeconds: 600,
    finishedTtlSeconds: 60,
    pollMs: 500,
  }
  const streams = new ChatStreams(redis, options)
  const writer: ChatStreamWriter = await streams.create('chat-1')
  for await (const token of model) {
    const id: string = await writer.append(token)
    expectType<string>(id)
  }
  const doneId: string = await writer.done()
  const other = streams.writer('chat-2')
  await other.fail(new Error('model overloaded'))
  await other.fail('any reason')
  const finished: boolean = writer.finished
  const key: string = streams.key('chat-1')
  expectType<unknown[]>([doneId, finished, key, new ChatStreams(redis)])

  // @ts-expect-error chunks are strings
  await writer.append(42)
  // @ts-expect-error unknown option
  new ChatStreams(redis, { pollMS: 1 })
  // @ts-expect-error a client is required
  new ChatStreams()
}

export async function consume(streams: ChatStreams, request: Request, incoming: IncomingMessage) {
  const controller = new AbortController()
  const read = streams.read('chat-1', { after: ChatStreams.resumePoint(request), signal: controller.signal })
  assertType<Equal<typeof read, AsyncGenerator<ChatStreamChunk, void, undefined>>>()
  let text = ''
  let last = '0'
  for await (const chunk of read) {
    assertType<Equal<typeof chunk, { id: string; text: string }>>()
    text += chunk.text
    last = chunk.id
  }
  for await (const { text: more } of streams.read('chat-1', { after: last })) text += more
  const options: ChatStreamReadOptions[] = [{ after: '$' }, { after: '0' }, { after: 0 }, {}]

  const texts: ReadableStream<Uint8Array> = streams.toReadableStream('chat-1', { after: '$' })
  const body = new Response(streams.toReadableStream('chat-1'))
  const answer: Response = await streams.toSSEResponse('chat-1', request)
  const answerNode: Response = await streams.toSSEResponse('chat-1', incoming, { headers: { 'x-chat': '1' } })
  // @ts-expect-error the text stream carries bytes (a Response body), not strings
  const notText: ReadableStream<string> = streams.toReadableStream('chat-1')
  const sse: ReadableStream<Uint8Array> = streams.toSSEStream('chat-1', { after: ChatStreams.resumePoint(incoming) })
  const response = new Response(sse, { headers: { 'content-type': 'text/event-stream' } })
  const from: string = ChatStreams.resumePoint(undefined)
  // @ts-expect-error the SSE stream carries bytes, not strings
  const wrong: ReadableStream<string> = streams.toSSEStream('chat-1')
  // @ts-expect-error `after` is a string (or 0)
  streams.read('chat-1', { after: 5 })

  try {
    await streams.read('chat-1').next()
  } catch (error) {
    if (error instanceof StreamFailedError) {
      const name: 'StreamFailedError' = error.name
      expectType<string>(error.message)
      expectType<string>(name)
    } else if (error instanceof StreamNotFoundError) {
      const name: 'StreamNotFoundError' = error.name
      expectType<string>(name)
    } else if (error instanceof InvalidResumePointError) {
      const asTypeError: TypeError = error
      expectType<'InvalidResumePointError'>(error.name)
      expectType<TypeError>(asTypeError)
    }
  }
  try {
    await streams.create('chat-1')
  } catch (error) {
    if (error instanceof StreamExistsError) expectType<'StreamExistsError'>(error.name)
    if (error instanceof StreamWriteError) expectType<unknown>(error.cause)
  }
  const failed: Error = new StreamFailedError('reason')
  return [text, options, texts, body, answer, answerNode, notText, response, from, wrong, failed]
}
