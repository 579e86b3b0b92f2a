// Types of lib/gateway.js (`require('@fragment/redis-native/gateway')`).

/** Options of startGateway(). */
export interface StartGatewayOptions {
  /** `redis://[user:password@]host:port[/db]` of the redis-server to front. Default `redis://127.0.0.1:6379`. */
  redis?: string
  /** IP address to listen on. Default `127.0.0.1`. */
  host?: string
  /** Port to listen on, 0–65535; `0` picks a free one (read it from `handle.port`). Default 8079. */
  port?: number
  /** The bearer token clients must present (their `UPSTASH_REDIS_REST_TOKEN`). Required, non-empty. */
  token: string
  /**
   * A second token that may run read commands only, as Upstash's read-only token (`SCAN` and `KEYS`
   * refused too; a write gets `NOPERM this user has no permissions to run the '<cmd>' command`).
   * Must differ from `token`. Default: none.
   */
  readonlyToken?: string
  /**
   * Largest accepted request body in bytes; a larger one gets Upstash's
   * `400 ERR max request size exceeded. Limit: X bytes, Actual: Y bytes. …`. Default 10 MB.
   */
  maxRequestSize?: number
  /** @deprecated The former name of `maxRequestSize`. */
  maxBody?: number
  /** Largest reply relayed, in bytes; a larger one is a 400 (the command ran). Default 100 MB. */
  maxReply?: number
  /** Redis connections kept for ordinary requests (SSE streams hold their own). Default 64. */
  poolSize?: number
  /** Milliseconds a request waits for a free pooled connection before a 503. Default 5000. */
  poolTimeout?: number
  /** Most Server-Sent Events streams open at once (each holds a Redis connection); one more gets 429. Default 128. */
  maxStreams?: number
  /** Serve HTTPS: the PEM certificate chain file (with `tlsKey`). Default: plain HTTP. */
  tlsCert?: string
  /** The PEM private key file for `tlsCert`. */
  tlsKey?: string
  /**
   * Simulated latency (local development): every response and SSE event held back this many
   * whole milliseconds (0–2^32-1), or a delay drawn from `[min, max]` (min <= max) each time.
   * The gateway checks it, with the other values, before it listens. Default off.
   */
  latency?: number | [number, number]
  /** Fraction (0–1) of command requests answered 503 without running them. Default 0. */
  failRate?: number
  /** Fraction (0–1) of command requests run, then cut without an answer. Default 0. */
  dropAfterApply?: number
  /** Fraction (0–1) of command requests never answered (and not run). Default 0. */
  stall?: number
  /** Seed of the simulated outcomes (0–2^32-1): the same seed, the same sequence. Default: random, see `simulation`. */
  seed?: number
  /** One line per request on stderr: route, command names, status, time; never the token or values. Default false. */
  verbose?: boolean
}

/** A running gateway. */
export interface GatewayHandle {
  /** `http://host:port`: the value for `UPSTASH_REDIS_REST_URL`. */
  readonly url: string
  /** The port actually bound (useful after asking for port 0). */
  readonly port: number
  /** True when the listener is bound to a loopback address. */
  readonly isLoopback: boolean
  /** One line per active simulation setting (latency, faults, seed); empty when off. */
  readonly simulation: string[]
  /** Stops accepting, lets in-flight requests finish, then resolves. */
  close(): Promise<void>
  /** Resolves when the gateway has stopped; while pending it keeps Node's event loop alive. */
  closed(): Promise<void>
}

/**
 * Starts the local Upstash-compatible REST gateway in this process; resolves once it listens.
 * Rejects with an error naming the option (and its CLI flag) for a missing token, an unknown
 * option, or a value out of range.
 */
export declare function startGateway(options: StartGatewayOptions): Promise<GatewayHandle>

/** The two lines a Next.js app puts in `.env.local` to use a gateway. */
export declare function envLines(url: string, token: string): string

/** The defaults startGateway() applies (owned by the gateway itself, in Rust). */
export declare const DEFAULTS: Readonly<{
  redis: 'redis://127.0.0.1:6379'
  host: '127.0.0.1'
  port: 8079
  maxRequestSize: number
  maxReply: number
  poolSize: number
  poolTimeout: number
  maxStreams: number
}>

/** One option of the gateway: its startGateway() name, CLI flag and environment variable. */
export interface GatewayOptionSpec {
  readonly key: string
  readonly flag: string
  readonly env: string
  readonly arg?: string
  readonly kind: 'text' | 'count' | 'size' | 'latency' | 'fraction' | 'seed' | 'switch'
  readonly help: string
  readonly secret?: boolean
  readonly simulation?: boolean
  readonly alias?: { readonly key: string; readonly flag: string; readonly env: string }
}

/** Every option, in `--help` order: the table the CLI's parser and help are built from. */
export declare const OPTIONS: readonly GatewayOptionSpec[]

/** The text of `fragment-redis gateway --help`. */
export declare function usage(): string
