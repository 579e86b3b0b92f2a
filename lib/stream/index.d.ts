// Types of lib/stream (`require('@fragment/redis-native/stream')`): durable, resumable chat streams.
import type { Redis } from '../../index'

/**
 * Checked by the constructor: a bad value (0, negative, not an integer, not a number) or an unknown
 * name throws a TypeError naming the option.
 */
export interface ChatStreamsOptions {
  /** Prepended to a stream id to make its key (the client's keyPrefix comes before it). Default `'chat:stream:'`. */
  prefix?: string
  /**
   * The most entries a stream holds before its final one (`start` included). A reply is never
   * trimmed: an append beyond the cap rejects (code `ESTREAMFULL`) and fails the reply. Default 100 000.
   */
  maxLen?: number
  /** Expiry (seconds) of a stream while it is written; refreshed by every append. Default 24 h. */
  activeTtlSeconds?: number
  /** How long (seconds) a finished (done or failed) stream stays readable. Default 1 h. */
  finishedTtlSeconds?: number
  /**
   * The longest (ms, 1 … 2^31-1) a reader waits without a notification before it reads again; also
   * how soon it notices that its stream expired, and the longest it waits for its notify
   * subscription to be confirmed before it reads anyway. Default 1000.
   */
  pollMs?: number
}

export interface ChatStreamReadOptions {
  /**
   * Where to start: `'0'` (default) for the whole reply, an entry id (the last one a client saw,
   * e.g. its Last-Event-ID) for what follows it, `'$'` for only chunks appended from now on. An id
   * Redis would refuse (e.g. out of the 64-bit range) rejects with InvalidResumePointError.
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

  /** The Redis key of a stream (without the client's keyPrefix); a TypeError unless `id` is a non-empty string. */
  key(id: string): string
  /**
   * Starts a stream; resolves its writer. Rejects with StreamExistsError, writing nothing, while a
   * stream with this id exists (live, or finished and not yet expired): use a new id per reply.
   */
  create(id: string): Promise<ChatStreamWriter>
  /** A writer for a stream created elsewhere (e.g. by another process). */
  writer(id: string): ChatStreamWriter
  /**
   * Follows a stream: yields each chunk after `after`, returns when the producer called done(),
   * throws StreamFailedError when it called fail() (or its writer failed), StreamNotFoundError when
   * there is no such stream or it expired while read (within pollMs), InvalidResumePointError for
   * a bad `after`. A position at or beyond the end of a finished stream ends the read as the stream
   * ended. After quit() or disconnect() it rejects with code ECLOSED at once. Other errors of the
   * client (the REST endpoint unreachable…) are thrown as they are: resume with `after` set to the
   * last id seen.
   */
  read(id: string, options?: ChatStreamReadOptions): AsyncGenerator<ChatStreamChunk, void, undefined>
  /**
   * The chunks' text as UTF-8 bytes, one value per chunk — a Fetch `Response` body as it is
   * (`new Response(streams.toReadableStream(id))`); errors as read() throws. cancel() stops the
   * reader and drops its subscription at once, even while it waits for the next chunk.
   */
  toReadableStream(id: string, options?: ChatStreamReadOptions): ReadableStream<Uint8Array>
  /**
   * Server-Sent Events bytes: per chunk `id: <entry id>` and its text as `data:` lines (CR and CRLF
   * inside a chunk arrive as LF), then `event: done`. A failed or unknown stream, or a bad `after`,
   * ends with `event: error` (data: the reason). Any other error errors the byte stream, so the
   * response is cut off and EventSource reconnects with Last-Event-ID. The page should close its
   * EventSource on `done` and `error` (or use toSSEResponse(), which ends a careless page's
   * reconnects).
   */
  toSSEStream(id: string, options?: ChatStreamReadOptions): ReadableStream<Uint8Array>
  /**
   * The whole answer to an EventSource request, resuming from its Last-Event-ID (unless `after` is
   * given): 200 with toSSEStream() while there is something to send; 204 No Content — EventSource
   * then stops for good — when there is no such stream, or the client already has all of a
   * finished one. `signal` defaults to the request's (a Fetch Request aborts it when the client
   * goes). If the look-up fails (the REST endpoint unreachable…) it answers 200 with the stream,
   * whose error cuts the body so EventSource retries.
   */
  toSSEResponse(
    id: string,
    request?: (RequestWithHeaders & { readonly signal?: AbortSignal }) | null,
    options?: ChatStreamReadOptions & { headers?: Record<string, string> },
  ): Promise<Response>
  /**
   * The request's Last-Event-ID when Redis accepts it as an entry id (in canonical form: `'7'` →
   * `'7-0'`), else `'0'` (from the start).
   */
  static resumePoint(request: RequestWithHeaders | null | undefined): string
}

/**
 * Appends to one stream. Appends land in call order, also when not awaited one by one. A reply is
 * whole or marked failed: after any append fails, the writer is failed — later appends and done()
 * reject with StreamWriteError, and the stream gets an error entry, so readers throw
 * StreamFailedError instead of taking a reply with a hole for complete.
 */
export declare class ChatStreamWriter {
  constructor(streams: ChatStreams, id: string)
  readonly streams: ChatStreams
  readonly id: string
  readonly key: string
  /** True from the moment done() or fail() is called (false again if that write fails). */
  readonly finished: boolean
  /**
   * Appends one chunk (any string, empty included); resolves its entry id. Rejects after done() or
   * fail(), and once the writer failed. An append that could not be sent (ECONNREFUSED) is re-sent
   * by the writer itself, in order, for up to 10 s; any other failure fails the writer. The
   * returned promise never counts as an unhandled rejection, so `writer.append(token)` without
   * `await` is safe: done() reports the failure.
   */
  append(text: string): Promise<string>
  /**
   * Marks the reply complete; resolves the entry id. Readers end; it stays readable for
   * finishedTtlSeconds. Rejects with StreamWriteError when an append failed.
   */
  done(): Promise<string>
  /**
   * Marks the reply failed; readers throw StreamFailedError whose message is `reason` (an Error's
   * message). On a writer that already failed, resolves the id of the error entry it wrote.
   */
  fail(reason: unknown): Promise<string>
}

/** The producer called fail(reason): `message` is the reason. */
export declare class StreamFailedError extends Error {
  constructor(message: string)
  name: 'StreamFailedError'
}

/** No stream with this id: never created, or expired (its producer died, or it finished long ago). */
export declare class StreamNotFoundError extends Error {
  constructor(id: string)
  name: 'StreamNotFoundError'
}

/** create() on an id whose stream still exists. */
export declare class StreamExistsError extends Error {
  constructor(id: string)
  name: 'StreamExistsError'
}

/** The writer failed earlier (`cause`: the first failure); nothing more is written to the reply. */
export declare class StreamWriteError extends Error {
  constructor(id: string, cause: unknown)
  name: 'StreamWriteError'
  cause: unknown
}

/** A read's `after` that is not `'0'`, `'$'` or an entry id Redis accepts. */
export declare class InvalidResumePointError extends TypeError {
  constructor(after: unknown)
  name: 'InvalidResumePointError'
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
