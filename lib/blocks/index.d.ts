type Command = (...args: any[]) => Promise<any>

/**
 * What the blocks need from a client: this package's `Redis`, or an ioredis instance (scripts use
 * `evalsha(sha, numkeys, ...keys, ...args)`, transactions `multi()…exec()` with `[error, reply]` pairs).
 */
export interface BlockRedis {
  get: Command
  set: Command
  getex: Command
  del: Command
  expire: Command
  pttl: Command
  smembers: Command
  evalsha: Command
  eval: Command
  multi(): any
}

/** JSON data: what the blocks store. Anything else is refused with a TypeError before a write. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json }

/**
 * Data under a block's key that the block did not write (corrupt JSON, another shape, another Redis
 * type). Handed to `onError`; the block treats the data as absent. Never contains the data itself
 * or a session id.
 */
export declare class UnreadableDataError extends Error {
  name: 'UnreadableDataError'
  code: 'ERR_UNREADABLE_DATA'
  block: 'SessionStore' | 'QueryCache' | 'ChatHistory'
  reason: 'json' | 'shape' | 'type'
}

/** Receives what a block recovered from without failing the caller. Default: `process.emitWarning`. */
export type OnBlockError = (error: Error) => void

export interface SessionStoreOptions {
  /** Key prefix; default `'session:'`. */
  prefix?: string
  /** Sliding expiry: a session ends this long after its last read. Default 7 days. */
  ttlSeconds?: number
  onError?: OnBlockError
}

/**
 * Login sessions: `<prefix><id>` with sliding expiry; `<prefix>user:<userId>` lists a user's
 * sessions. Unreadable data under a session key is "no session" (reported once, deleted).
 */
export declare class SessionStore<T = unknown> {
  constructor(redis: BlockRedis, options?: SessionStoreOptions)
  readonly prefix: string
  readonly ttlSeconds: number
  /** Stores `data` under a new unguessable id (the cookie value). With `userId`, destroyUserSessions() reaches it. */
  create(data: T, options?: { userId?: string }): Promise<string>
  /** The data, or null when unknown, expired or unreadable; reading renews the expiry. */
  get(id: string): Promise<T | null>
  /** Replaces the data of an existing session (keeping its user); false when it no longer exists. */
  update(id: string, data: T): Promise<boolean>
  /** On login: a new id for the session, the old id dead. Null when `id` has no session. */
  rotate(id: string, changes?: { data?: T; userId?: string }): Promise<string | null>
  /** Logs out: true when a session was removed. */
  destroy(id: string): Promise<boolean>
  /** Logs a user out everywhere; resolves with the number of sessions removed. */
  destroyUserSessions(userId: string): Promise<number>
}

export interface QueryCacheOptions {
  /** Key prefix; default `'cache:'`. */
  prefix?: string
  /** How long an entry is fresh. Default 60. */
  ttlSeconds?: number
  /** After that, how long it is still served (stale) while one background refresh runs. Default 0. */
  staleSeconds?: number
  /** The loader lock's lifetime, and how long other callers wait for its holder. Default 10000. */
  lockMs?: number
  /** Reports unreadable entries and failed background refreshes. */
  onError?: OnBlockError
  /** Gets each background refresh, e.g. Next.js `after` / Vercel `waitUntil`. */
  waitUntil?: (promise: Promise<unknown>) => void
}

export interface FetchOptions {
  ttlSeconds?: number
  staleSeconds?: number
  /** invalidateTags() with one of these drops the entry. */
  tags?: string[]
}

/** What fetch() resolves with. `value` is the JSON round trip of what the loader returned (hit or miss). */
export interface Fetched<T> {
  value: T
  /** True when it came from Redis, not from this call's loader run. */
  hit: boolean
  /** True when served past its ttlSeconds, inside staleSeconds (a refresh is under way). */
  stale: boolean
}

/**
 * Cache-aside for expensive queries: one loader call per key across processes (a `SET NX PX`
 * lock, bounded wait), stale-while-revalidate, invalidation by key or tag; errors never cached.
 */
export declare class QueryCache {
  constructor(redis: BlockRedis, options?: QueryCacheOptions)
  readonly prefix: string
  /** The loader must return JSON data (a Date becomes its ISO string); anything else rejects, nothing is stored. */
  fetch<T>(key: string, loader: () => Promise<T> | T, options?: FetchOptions): Promise<Fetched<T>>
  /** Deletes entries; loads of them still running do not write back. Resolves with the number deleted. */
  invalidate(...keys: Array<string | string[]>): Promise<number>
  /** Invalidates every entry fetched with one of these tags. */
  invalidateTags(...tags: Array<string | string[]>): Promise<void>
}

export type ChatRole = 'system' | 'user' | 'assistant' | 'tool'

/** One part of a multi-part message (AI SDK style): `{ type: 'text', text }`, tool calls, … */
export interface ChatPart {
  type: string
  [field: string]: Json | undefined
}

export interface ChatMessageInput {
  /** Default: a random UUID. */
  id?: string
  role: ChatRole
  content: string | ChatPart[]
  /** Default: now. Stored as an ISO string. */
  createdAt?: Date | string | number
  metadata?: Json
}

export interface ChatMessage {
  id: string
  role: ChatRole
  content: string | ChatPart[]
  /** ISO 8601. */
  createdAt: string
  metadata?: Json
}

export interface ChatPage {
  /** Oldest first. */
  messages: ChatMessage[]
  /** Pass to before() for the page before this one; null when there is nothing older. */
  cursor: string | null
}

export interface ChatHistoryOptions {
  /** Key prefix; default `'chat:history:'`. */
  prefix?: string
  /** The oldest messages beyond this are trimmed. Default 1000. */
  maxMessages?: number
  /** A chat expires this long after its last append. Default 30 days. */
  ttlSeconds?: number
  onError?: OnBlockError
}

/** Chat messages in a capped, expiring list; appends are one MULTI (RPUSH + LTRIM + EXPIRE). */
export declare class ChatHistory {
  constructor(redis: BlockRedis, options?: ChatHistoryOptions)
  readonly prefix: string
  /** Resolves with the messages as stored (ids and createdAt filled in). All or nothing. */
  append(chatId: string, messages: ChatMessageInput | ChatMessageInput[]): Promise<ChatMessage[]>
  /** The newest `limit` (default 50) messages. */
  latest(chatId: string, limit?: number): Promise<ChatPage>
  /** The `limit` messages before `cursor`. */
  before(chatId: string, cursor: string, limit?: number): Promise<ChatPage>
  /** Every message kept. */
  all(chatId: string): Promise<ChatMessage[]>
  /** True when there was a history to delete. */
  clear(chatId: string): Promise<boolean>
}

/** "10 s", "1 m", "500 ms", "1.5 h", "1 d", "1 w" (as @upstash/ratelimit parses them), or milliseconds. */
export type Duration =
  `${number} ${'ms' | 's' | 'm' | 'h' | 'd' | 'w'}` | `${number}${'ms' | 's' | 'm' | 'h' | 'd' | 'w'}` | number

export type Limiter =
  | { readonly algorithm: 'fixedWindow'; readonly tokens: number; readonly windowMs: number }
  | { readonly algorithm: 'slidingWindow'; readonly tokens: number; readonly windowMs: number }
  | {
      readonly algorithm: 'tokenBucket'
      readonly refillRate: number
      readonly intervalMs: number
      readonly maxTokens: number
    }

export interface RateLimitOptions {
  limiter: Limiter
  /**
   * Required: what limit() answers when Redis cannot be reached (or does not answer within
   * timeoutMs): `'allow'` (fail open), `'deny'` (fail closed) — both with `reason: 'unreachable'` —
   * or `'throw'` (reject with RateLimitUnreachableError). Redis error replies always reject.
   */
  whenUnreachable: 'allow' | 'deny' | 'throw'
  /** Default `'@upstash/ratelimit'`, @upstash/ratelimit's own: keep it to share state with it. */
  prefix?: string
  /** Default 5000; 0 waits for the client's own timeout. */
  timeoutMs?: number
  /** Read the limit override at `<prefix>:dynamic:global`, as @upstash/ratelimit's `dynamicLimits`. */
  dynamicLimits?: boolean
  /** Gets every RateLimitUnreachableError (default: a process warning). */
  onError?: OnBlockError
}

export interface RateLimitResult {
  success: boolean
  limit: number
  remaining: number
  /** Epoch milliseconds when the limit resets (for a Retry-After header). */
  reset: number
  /** Always resolved (no analytics); kept for @upstash/ratelimit's `waitUntil(pending)` pattern. */
  pending: Promise<unknown>
  /** Set when the decision is `whenUnreachable`'s, not Redis's. */
  reason?: 'unreachable'
  error?: RateLimitUnreachableError
}

export declare class RateLimitUnreachableError extends Error {
  name: 'RateLimitUnreachableError'
  code: 'ERR_RATE_LIMIT_UNREACHABLE'
  cause: Error
}

/**
 * Rate limits with @upstash/ratelimit's algorithms, Lua scripts (same SHA-1s) and key layout: state
 * written by either library is read by the other.
 */
export declare class RateLimit {
  static fixedWindow(tokens: number, window: Duration): Limiter
  static slidingWindow(tokens: number, window: Duration): Limiter
  static tokenBucket(refillRate: number, interval: Duration, maxTokens: number): Limiter
  constructor(redis: BlockRedis, options: RateLimitOptions)
  /** Counts a request (or `rate` tokens; negative refunds). */
  limit(identifier: string, options?: { rate?: number }): Promise<RateLimitResult>
  getRemaining(identifier: string): Promise<{ remaining: number; reset: number; limit: number }>
  resetUsedTokens(identifier: string): Promise<void>
}
