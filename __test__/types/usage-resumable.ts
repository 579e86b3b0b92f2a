// Type tests for createResumableStreamContext (`@fragment/redis-native/stream`): the shape of
// resumable-stream's context, so a route written for it type-checks after changing the import.
// Compiled by __test__/types.test.js, never run.
import Redis = require('@fragment/redis-native')
import {
  createResumableStreamContext,
  type CreateResumableStreamContextOptions,
  type ResumableStreamContext,
} from '@fragment/redis-native/stream'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
function assertType<_T extends true>(): void {}

declare const after: (task: Promise<unknown>) => void
declare const sse: ReadableStream<string>

export async function route(redis: Redis) {
  const options: CreateResumableStreamContextOptions = { redis, waitUntil: after, keyPrefix: 'app', leaseMs: 5000 }
  const context: ResumableStreamContext = createResumableStreamContext(options)
  createResumableStreamContext({ waitUntil: null }) // a client from the environment

  const produced = await context.resumableStream('s1', () => sse, 10)
  assertType<Equal<typeof produced, ReadableStream<string> | null>>()
  const created = await context.createNewResumableStream('s1', () => sse)
  assertType<Equal<typeof created, ReadableStream<string> | null>>()
  const resumed = await context.resumeExistingStream('s1', 5)
  assertType<Equal<typeof resumed, ReadableStream<string> | null | undefined>>()
  const state = await context.hasExistingStream('s1')
  assertType<Equal<typeof state, null | true | 'DONE'>>()

  // @ts-expect-error waitUntil is required, as in resumable-stream
  createResumableStreamContext({ redis })
  // @ts-expect-error makeStream produces strings
  await context.resumableStream('s1', () => new ReadableStream<Uint8Array>())
}
