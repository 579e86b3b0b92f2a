// Types of lib/dev-stack.js (`require('@fragment/redis-native/dev-stack')`).

export interface DevStackOptions {
  /** Port for the private redis-server. Default: a free port. */
  redisPort?: number
  /** Port for the gateway. Default `0` (a free port); restarts reuse the port first bound. */
  gatewayPort?: number
  /** The gateway's token. Default: 32 random hex characters. */
  token?: string
  /** A read-only token the gateway accepts too (passed in its environment, never its arguments). Default: none. */
  readonlyToken?: string
  /** Receives progress lines ("redis-server ready on …", "gateway ready at …"). */
  log?: (message: string) => void
}

/** A private redis-server and REST gateway, both child processes, running until stop(). */
export interface DevStack {
  /** The gateway's token (`UPSTASH_REDIS_REST_TOKEN`). */
  readonly token: string
  /** The read-only token given, else `null`; not enumerable, so not shown when the handle is logged. */
  readonly readonlyToken: string | null
  /** The temporary directory redis-server runs in; removed by stop(). */
  readonly dir: string
  /** The gateway's URL (`UPSTASH_REDIS_REST_URL`); stays the same across gateway restarts. */
  readonly url: string
  /** The redis-server's port; stays the same across redis restarts. */
  readonly redisPort: number
  /** `redis://127.0.0.1:<redisPort>`. */
  readonly redisUrl: string
  /** The variables a client needs. */
  readonly env: { UPSTASH_REDIS_REST_URL: string; UPSTASH_REDIS_REST_TOKEN: string }
  /** Process ids of the running children (`null` while stopped). */
  readonly pids: { redis: number | null; gateway: number | null }
  /** Starts redis-server again (same port) if it is not running. Rejects after stop(). */
  startRedis(): Promise<void>
  /** Stops redis-server (fault tests: the gateway then answers 503). */
  stopRedis(): Promise<void>
  /** Starts the gateway again (same port) if it is not running. Rejects after stop(). */
  startGateway(): Promise<void>
  stopGateway(): Promise<void>
  restartGateway(): Promise<void>
  /** Stops the gateway, then redis-server, and removes `dir`. Idempotent: every call returns the same promise. */
  stop(): Promise<void>
}

/**
 * Starts redis-server (needs `redis-server` on PATH) and the gateway; resolves once both answer.
 * If either fails to start, whatever did start is stopped before the promise rejects.
 */
export declare function startDevStack(options?: DevStackOptions): Promise<DevStack>
