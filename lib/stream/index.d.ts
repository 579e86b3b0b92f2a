// Types of lib/stream (`require('@fragment/redis-native/stream')`): durable, resumable chat streams.
import type { Redis } from '../../index'

export interface ChatStreamsOptions {
  /** Prepended to a stream id to make its key (the client's keyPrefix comes before it). Default `'chat:stream:'`. */
  prefix?: string
  /** Entries kept per stream, approximately (`XADD MAXLEN ~`). Default 100 000. */
  maxLen?: number
  /** Expiry of a stream while it is written; refreshed by every append. Default 24 h. */
  activeTtlSeconds?: number
  /** How long a finished (done or failed) stream stays readable. Default 1 h. */
  finishedTtlSeconds?: number
  /** The longest a reader waits without a notification before it reads again. Default 1000. */
  pollMs?: number
}

export interface ChatStreamReadOptions {
  /**
   * Where to start: `'0'` (default) for the whole reply, an entry id (the last one a client saw,
   * e.g. its Last-Event-ID) for what follows it, `'$'` for only chunks appended from now on.
   */
  after?: '0' | '$' | (string & {}) | 0
  /** Aborting ends the read: the iterator returns, a Web stream closes, and the subscription goes. */
  signal?: AbortSignal
}

/** One chunk as written by `append()`: its stream entry id and its text, exactly as appended. */
export interface ChatStreamChunk {
  id: string
  text: string
}

/** Anything with request headers: a Fetch `Request`, or Node's `IncomingMessage`. */
export type RequestWithHeaders =
  | { readonly headers: { get(name: string): string | null } }
  | { readonly headers: Readonly<Record<string, string | string[] | undefined>> }

/**
 * Chat replies as Redis streams: a producer appends chunks, any number of readers follow from any
 * position (history, then live) without gaps or duplicates, across reconnects and restarts.
 *
 * ```ts
 * const streams = new ChatStreams(redis)
 * const writer = await streams.create(chatId)
 * for await (const token of model) await writer.append(token)
 * await writer.done()
 *
 * // in a route: resumable Server-Sent Events
 * return new Response(streams.toSSEStream(chatId, { after: ChatStreams.resumePoint(request) }), {
 *   headers: { 'content-type': 'text/event-stream' },
 * })
 * ```
 */
export declare class ChatStreams {
  /**
   * `redis` runs the commands and carries the notifications (pub/sub); ChatStreams instances on
   * one client share its subscriptions.
   */
  constructor(redis: Redis, options?: ChatStreamsOptions)
  readonly redis: Redis
  readonly prefix: string
  readonly maxLen: number
  readonly activeTtlSeconds: number
  readonly finishedTtlSeconds: number
  readonly pollMs: number

  /** The Redis key of a stream (without the client's keyPrefix). */
  key(id: string): string
  /** Starts a stream; resolves its writer. */
  create(id: string): Promise<ChatStreamWriter>
  /** A writer for a stream created elsewhere (e.g. by another process). */
  writer(id: string): ChatStreamWriter
  /**
   * Follows a stream: yields each chunk after `after`, returns when the producer called done(),
   * throws StreamFailedError when it called fail(), StreamNotFoundError when there is no such
   * stream. Errors of the client (the REST endpoint unreachable…) are thrown as they are: resume
   * with `after` set to the last id seen.
   */
  read(id: string, options?: ChatStreamReadOptions): AsyncGenerator<ChatStreamChunk, void, undefined>
  /**
   * The chunks' text as a Web stream; errors with StreamFailedError / StreamNotFoundError as read()
   * throws them. cancel() stops the reader at once, even while it waits for the next chunk.
   */
  toReadableStream(id: string, options?: ChatStreamReadOptions): ReadableStream<string>
  /**
   * Server-Sent Events bytes: per chunk `id: <entry id>` and its text as `data:` lines (CR and CRLF
   * inside a chunk arrive as LF), then `event: done`. A failed or unknown stream ends with
   * `event: error` (data: the reason). Any other error errors the byte stream, so the response is
   * cut off and EventSource reconnects with Last-Event-ID.
   */
  toSSEStream(id: string, options?: ChatStreamReadOptions): ReadableStream<Uint8Array>
  /** The request's Last-Event-ID when it is an entry id, else `'0'` (from the start). */
  static resumePoint(request: RequestWithHeaders | null | undefined): string
}

/** Appends to one stream. Appends land in call order, also when not awaited one by one. */
export declare class ChatStreamWriter {
  constructor(streams: ChatStreams, id: string)
  readonly streams: ChatStreams
  readonly id: string
  readonly key: string
  /** True from the moment done() or fail() is called (false again if that write fails). */
  readonly finished: boolean
  /**
   * Appends one chunk (any string, empty included); resolves its entry id. Rejects after done() or
   * fail(). A rejection with code ECONNREFUSED means the append was never sent, so re-sending it is
   * safe; re-send before appending the next chunk to keep the order.
   */
  append(text: string): Promise<string>
  /** Marks the reply complete; resolves the entry id. Readers end; it stays readable for finishedTtlSeconds. */
  done(): Promise<string>
  /** Marks the reply failed; readers throw StreamFailedError whose message is `reason` (an Error's message). */
  fail(reason: unknown): Promise<string>
}

/** The producer called fail(reason): `message` is the reason. */
export declare class StreamFailedError extends Error {
  constructor(message: string)
  name: 'StreamFailedError'
}

/** No stream with this id: never created, or expired after it finished. */
export declare class StreamNotFoundError extends Error {
  constructor(id: string)
  name: 'StreamNotFoundError'
}

export interface CreateResumableStreamContextOptions {
  /**
   * Runs the commands and the pub/sub notifications (one client does both). Without it (and
   * without `publisher`), the context makes a client from the environment, as `new Redis()` does.
   */
  redis?: Redis
  /** Accepted in place of `redis`, as routes written for `resumable-stream` pass it. */
  publisher?: Redis
  /** Ignored: one client of this package carries pub/sub too. */
  subscriber?: Redis
  /**
   * Keeps the program alive until the producer finished writing (Next.js: `after` from
   * `next/server`). `null` on a long-running server.
   */
  waitUntil: ((promise: Promise<unknown>) => void) | null
  /** Prefix of the keys. Default `'resumable-stream'` (keys under `resumable-stream:fr:`). */
  keyPrefix?: string
  /** How long a stream's state lives (seconds), as resumable-stream's sentinel. Default 24 h. */
  stateTtlSeconds?: number
  /** How long a finished reply stays in Redis (seconds). Default 24 h. */
  finishedTtlSeconds?: number
  /**
   * The producer's lease (ms), refreshed every third of it while it runs. When it lapses before
   * the stream finished, the producer is taken as dead: resumers get what it wrote, then an error
   * (StreamFailedError) instead of waiting forever. Default 15 000.
   */
  leaseMs?: number
}

/** `resumable-stream`'s context, with the chunks kept in Redis instead of the producer's memory. */
export interface ResumableStreamContext {
  /**
   * The first caller for `streamId` runs `makeStream()` and gets its stream; later callers get the
   * stream so far (less `skipCharacters`) and then live; `null` once it is done.
   */
  resumableStream(
    streamId: string,
    makeStream: () => ReadableStream<string>,
    skipCharacters?: number,
  ): Promise<ReadableStream<string> | null>
  /** Runs `makeStream()` and records it under `streamId` (a new id per reply). */
  createNewResumableStream(
    streamId: string,
    makeStream: () => ReadableStream<string>,
    skipCharacters?: number,
  ): Promise<ReadableStream<string> | null>
  /**
   * The stream from its start (less `skipCharacters`), then live; `null` when it is done,
   * `undefined` when there is no such stream.
   */
  resumeExistingStream(streamId: string, skipCharacters?: number): Promise<ReadableStream<string> | null | undefined>
  /** `null`: no such stream; `true`: a producer runs; `'DONE'`: it finished. */
  hasExistingStream(streamId: string): Promise<null | true | 'DONE'>
}

/**
 * A drop-in for `resumable-stream`'s `createResumableStreamContext`:
 *
 * ```ts
 * import { createResumableStreamContext } from '@fragment/redis-native/stream'
 * const streamContext = createResumableStreamContext({ redis, waitUntil: after })
 * ```
 */
export declare function createResumableStreamContext(
  options: CreateResumableStreamContextOptions,
): ResumableStreamContext
