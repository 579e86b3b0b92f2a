import type { Redis } from '../../index'

/** Login sessions: JSON under `<prefix><id>`, expiring after `ttlSeconds` without a read. */
export declare class SessionStore<T = unknown> {
  constructor(redis: Redis, options?: { prefix?: string; ttlSeconds?: number })
  /** Stores `data` under a new unguessable id (the cookie value). */
  create(data: T): Promise<string>
  /** The data, or null when unknown or expired; reading renews the expiry. */
  get(id: string): Promise<T | null>
  /** Replaces the data of an existing session; false when it no longer exists. */
  update(id: string, data: T): Promise<boolean>
  /** True when a session was removed. */
  destroy(id: string): Promise<boolean>
}

/** Cache-aside for expensive queries, one loader call per key at a time in this process. */
export declare class QueryCache {
  constructor(redis: Redis, options?: { prefix?: string; ttlSeconds?: number })
  fetch<T>(
    key: string,
    loader: () => Promise<T>,
    options?: { ttlSeconds?: number },
  ): Promise<{ value: T; hit: boolean }>
  invalidate(...keys: string[]): Promise<number>
}
