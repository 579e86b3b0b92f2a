// Public types of @fragment/redis-native. Hand-written, except RedisCommander's command methods,
// which `npm run generate:types` writes from scripts/generate-commander/overrides.d.ts and the
// command table; the napi layer is typed in binding.d.ts.
//
//   import Redis from '@fragment/redis-native'            // ESM, or CommonJS with esModuleInterop
//   import { Redis } from '@fragment/redis-native'        // named
//   import Redis = require('@fragment/redis-native')      // CommonJS
//
// Reply types follow ioredis's RESP2 typings (utils/RedisCommander.d.ts): integers are numbers,
// bulk and status replies strings (Buffers in the `…Buffer` variants), nil is null.
/// <reference types="node" />
import { EventEmitter } from 'node:events'
import { Readable } from 'node:stream'

// ----------------------------------------------------------------------------------------------
// Helpers, not exported (the module's only export is `Redis`).

/** A command's promise, or the pipeline itself when queued in a pipeline/multi. */
type Reply<T, K extends Redis.ClientContext, Self> = K extends 'pipeline' ? Self : Promise<T>

/** `Args` with an optional Node-style callback as the last argument. */
type WithCallback<Args extends unknown[], T> = Args | [...Args, callback: Redis.Callback<T>]

type Num = number | string
type Opt<T extends unknown[]> = [] | T

type ExpiryToken = 'EX' | 'PX' | 'EXAT' | 'PXAT'
type CompareToken = 'IFEQ' | 'IFNE' | 'IFDEQ' | 'IFDNE'
type ExpireCondition = 'NX' | 'XX' | 'GT' | 'LT'

type ScanReply<T> = [cursor: T, elements: T[]]
type MatchOpt = Opt<[patternToken: 'MATCH', pattern: string]>
type CountOpt = Opt<[countToken: 'COUNT', count: Num]>

type ZAddCondition = Opt<[nx: 'NX'] | [xx: 'XX'] | [gtOrLt: 'GT' | 'LT'] | [xx: 'XX', gtOrLt: 'GT' | 'LT']>
type ZAddChanged = Opt<[ch: 'CH']>
type ZRangeOptions = [
  ...Opt<[by: 'BYSCORE' | 'BYLEX']>,
  ...Opt<[rev: 'REV']>,
  ...Opt<[limitToken: 'LIMIT', offset: Num, count: Num]>,
  ...Opt<[withscores: 'WITHSCORES']>,
]
type ZRangeByScoreOptions = [...Opt<[withscores: 'WITHSCORES']>, ...Opt<[limitToken: 'LIMIT', offset: Num, count: Num]>]
type XReadOptions = [...Opt<[countToken: 'COUNT', count: Num]>, ...Opt<[blockToken: 'BLOCK', milliseconds: Num]>]
type XTrimArgs = [
  strategy: 'MAXLEN' | 'MINID',
  ...Opt<[exactness: '=' | '~']>,
  threshold: string | Buffer | number,
  ...Opt<[limitToken: 'LIMIT', count: Num]>,
]

type RedisClass = typeof Redis
type RedisInstance = Redis

/** Readable's async iterator (whatever @types/node declares it as), yielding `T`. */
type PageIterator<T> = Omit<ReturnType<Readable[typeof Symbol.asyncIterator]>, 'next' | 'return' | 'throw'> &
  AsyncIterator<T>

/** An object whose every property is a Redis value (interfaces included, unlike an index signature). */
type FieldObject<T> = { [P in keyof T]: Redis.RedisValue }

// ----------------------------------------------------------------------------------------------

declare namespace Redis {
  /** A key: a string, or a Buffer for binary keys. */
  type RedisKey = string | Buffer
  /** A value: strings and Buffers are sent as they are, numbers as their decimal text. */
  type RedisValue = string | Buffer | number
  /** An argument of a command typed generically: a value, or an array of values (flattened one level). */
  type RedisArg = RedisValue | readonly RedisValue[]
  /** Node-style callback, accepted as the last argument of every command (the promise is returned too). */
  type Callback<T = any> = (err?: Error | null, result?: T) => void

  /**
   * `'connecting'` → `'connect'` → `'ready'` right after construction (with lazyConnect: `'wait'` until
   * the first command or connect()); `'close'` → `'end'` after quit()/disconnect(); `'close'` →
   * `'reconnecting'` → `'connecting'` → `'connect'` → `'ready'` after disconnect(true), as in ioredis.
   */
  type RedisStatus = 'wait' | 'reconnecting' | 'connecting' | 'connect' | 'ready' | 'close' | 'end'

  /** A command added with `defineCommand` or the `scripts` option. */
  interface ScriptDefinition {
    lua: string
    numberOfKeys?: number
    readOnly?: boolean
  }

  interface RedisOptions {
    /**
     * The Upstash REST URL (`https://…`, or `http://…` for a local `fragment-redis gateway`:
     * only on this machine unless `allowInsecureHttp`). A `URL` object is taken too.
     * Default: `UPSTASH_REDIS_REST_URL`, then Vercel KV's `KV_REST_API_URL`. When neither url nor
     * the variables give one, construction still succeeds and every command rejects with
     * `code: 'ERR_MISSING_CONFIG'`.
     */
    url?: string | URL
    /** The REST token. Default: `UPSTASH_REDIS_REST_TOKEN`, then `KV_REST_API_TOKEN`. */
    token?: string
    /** Prepended to every key argument (the key positions come from the Redis command table). Default `''`. */
    keyPrefix?: string
    /**
     * Milliseconds before a pending command rejects with a `TimeoutError`, as ioredis does: code
     * `ETIMEDOUT` ("Command timed out") when it had not been sent (and then never is), or
     * `ETIMEDOUT_MAYBE_APPLIED` when it had (it may have run). Nothing is sent or retried for a
     * command after its timeout. `0`/absent: no timeout (each HTTP attempt is still bounded by the
     * transport, 30 s). At most 2147483647. Default: no timeout.
     */
    commandTimeout?: number
    /**
     * Most commands waiting to be sent (while the endpoint is slow or hangs); past it a command
     * rejects at once with a `QueueFullError` (`EQUEUEFULL`) and is never sent. Default 100000.
     */
    maxQueuedCommands?: number
    /**
     * Requests in flight at once. A command still never overtakes an earlier one on the same key
     * (or channel), and commands whose keys cannot be known wait for everything before them
     * (docs/ordering.md). `1`: one request at a time. Default 64 (measured: docs/ordering.md).
     */
    maxInFlight?: number
    /**
     * How many times a request that got no answer (connection refused/reset, HTTP 5xx…) is retried
     * by the native transport. `null` (ioredis: "retry forever") means 10. Default 3.
     */
    maxRetriesPerRequest?: number | null
    /**
     * ioredis-style backoff: `times` → delay in ms. Retries run inside the native core, so it is
     * sampled once: `retryStrategy(1)` gives the first delay and `retryStrategy(20)` the cap.
     * Returning a non-number (ioredis: "stop retrying"), or `retryStrategy: null`, turns retries off.
     */
    retryStrategy?: ((times: number) => number | void | null) | null
    /** `true`: set nothing up until connect() or the first command. Default `false`. */
    lazyConnect?: boolean
    /**
     * Commands issued in the same tick share one `/pipeline` request (in order). `false` sends
     * each command in a request of its own. Default `true`.
     */
    enableAutoPipelining?: boolean
    /**
     * Send the last `upstash-sync-token` with every request so reads see this client's writes
     * (see `readYourWritesSyncToken`). Default `true`.
     */
    readYourWrites?: boolean
    /**
     * How replies travel: `'base64'` (Upstash JSON with base64 strings, the default) or `'resp2'`
     * (raw RESP2 bytes; `Upstash-Response-Format: resp2`). Replies are the same in JS either way.
     */
    responseEncoding?: 'base64' | 'resp2'
    /** Most commands in one auto-pipelined request. Default 1000. */
    maxBatchCommands?: number
    /** Largest request body of one auto-pipelined request, in bytes. Default 1 MiB (1048576). */
    maxBatchBytes?: number
    /**
     * Idle HTTP connections kept open to the REST endpoint (`0`: none kept). Default 64; below
     * `maxInFlight` a busy client closes and reopens connections between its waves of requests.
     */
    poolSize?: number
    /**
     * HTTPS trust: `ca` (PEM text or Buffer, or an array) replaces the built-in root certificates,
     * like Node's `tls.ca`. Verification cannot be turned off (`rejectUnauthorized: false` throws).
     */
    tls?: { ca?: string | Buffer | Array<string | Buffer>; rejectUnauthorized?: true }
    /**
     * Allow `http://` to a host other than this machine (the token then travels in clear text).
     * Only for a gateway on a trusted private network. Default `false`.
     */
    allowInsecureHttp?: boolean
    /** ioredis's database number: only `0` exists over REST (any other value throws). */
    db?: 0
    /** Commands defined at construction, as with `defineCommand(name, definition)` for each. */
    scripts?: Record<string, ScriptDefinition>
    /** A failed command's stack starts at the code that issued it (costs a stack capture per command). Default `false`. */
    showFriendlyErrorStack?: boolean
    /**
     * ioredis's `stringNumbers`: integer replies as their exact decimal text (`'1152921504606846977'`,
     * beyond 2^53 too), in pipelines, transactions and `…Buffer` variants alike; with
     * `replyMapping: 'resp3'`, doubles as their text as well. Default `false` (JS numbers).
     */
    stringNumbers?: boolean
    /**
     * ioredis 6's reply shapes: `'legacy'` (RESP2 shapes, the default) or `'resp3'` — maps as objects,
     * doubles as numbers, WITHSCORES replies as `[member, score]` pairs, as ioredis over RESP3.
     * Rebuilt per command from REST's RESP2 replies; typed as the legacy shapes.
     */
    replyMapping?: 'legacy' | 'resp3'
    /** Accepted for ioredis compatibility; REST always carries RESP2. `'resp3'` mapping needs it unset or 3. */
    protocol?: 2 | 3
  }

  /**
   * `redis.options`: the options with defaults applied and url/token resolved (undefined when
   * missing). `token` is readable but not enumerable: inspecting, logging, spreading or
   * JSON-encoding the options never shows it.
   */
  interface ResolvedRedisOptions extends RedisOptions {
    url: string
    token: string
    keyPrefix: string
    maxRetriesPerRequest: number | null
    lazyConnect: boolean
    enableAutoPipelining: boolean
    readYourWrites: boolean
    responseEncoding: 'base64' | 'resp2'
    maxBatchCommands: number
    maxBatchBytes: number
    poolSize: number
  }

  interface ScanStreamOptions {
    /** `MATCH` pattern. */
    match?: string
    /** `TYPE` filter (scanStream only). */
    type?: string
    /** `COUNT` hint per page. */
    count?: number
    /** `NOVALUES` (hscanStream only): emit field names only. */
    noValues?: boolean
  }

  /** Listener signatures of the events a client emits. */
  interface RedisEvents {
    connecting: () => void
    connect: () => void
    ready: () => void
    close: () => void
    end: () => void
    reconnecting: (ms: number) => void
    /** Transport failures (also reported to the commands they failed); emitted only when someone listens. */
    error: (err: Error) => void
    message: (channel: string, message: string) => void
    messageBuffer: (channel: Buffer, message: Buffer) => void
    pmessage: (pattern: string, channel: string, message: string) => void
    pmessageBuffer: (pattern: string, channel: Buffer, message: Buffer) => void
  }

  /** `'promise'`: commands return promises (a client); `'pipeline'`: commands queue and return the pipeline. */
  type ClientContext = 'promise' | 'pipeline'
  /** What a command returns in context `K`: `Promise<T>`, or `Self` (the pipeline) when queued. */
  type Result<T, K extends ClientContext, Self> = Reply<T, K, Self>

  /** What `exec()` resolves to: one `[error, result]` pair per queued command, in order. */
  type ExecResult = [error: Error | null, result: unknown][] | null

  /** One stream entry as XRANGE returns it: `[id, [field, value, field, value, …]]`. */
  type StreamEntry<T extends string | Buffer = string> = [id: T, fields: T[]]
  /** XREAD's reply: per stream, its key and entries; `null` when nothing was read. */
  type XReadReply<T extends string | Buffer = string> = [key: T, items: StreamEntry<T>[]][] | null
  /** XREADGROUP's reply; `fields` is `null` for entries deleted while pending. */
  type XReadGroupReply<T extends string | Buffer = string> = [key: T, items: [id: T, fields: T[] | null][]][] | null

  /** Arguments of a command without precise typings: values, arrays of values, optional trailing callback. */
  type CommandArgs = [...args: RedisArg[], callback: Callback<unknown>] | RedisArg[]

  /**
   * Every Redis command, as a method. In a client (`K = 'promise'`) each returns a promise of its
   * reply; in a pipeline or multi (`K = 'pipeline'`) each queues the command and returns the
   * pipeline. Commands without a precise signature take `RedisArg`s and resolve to `unknown`.
   *
   * Typing a command added with `defineCommand`: merge into this interface.
   * ```ts
   * redis.defineCommand('myecho', { lua: 'return ARGV[1]', numberOfKeys: 1 })
   *
   * declare module '@fragment/redis-native' {
   *   interface RedisCommander<K> {
   *     myecho(key: RedisKey, arg: string, callback?: Callback<string>): Result<string, K, this>
   *   }
   * }
   * ```
   */
  interface RedisCommander<K extends ClientContext = 'promise'> {
    // Generated by scripts/generate-commander from overrides.d.ts and @ioredis/commands: edit those.
    acl(...args: CommandArgs): Reply<unknown, K, this>
    aclBuffer(...args: CommandArgs): Reply<unknown, K, this>

    /** APPEND: the new length. */
    append(key: RedisKey, value: RedisValue, callback?: Callback<number>): Reply<number, K, this>
    appendBuffer(...args: CommandArgs): Reply<unknown, K, this>

    arcount(...args: CommandArgs): Reply<unknown, K, this>
    arcountBuffer(...args: CommandArgs): Reply<unknown, K, this>
    ardel(...args: CommandArgs): Reply<unknown, K, this>
    ardelBuffer(...args: CommandArgs): Reply<unknown, K, this>
    ardelrange(...args: CommandArgs): Reply<unknown, K, this>
    ardelrangeBuffer(...args: CommandArgs): Reply<unknown, K, this>
    arget(...args: CommandArgs): Reply<unknown, K, this>
    argetBuffer(...args: CommandArgs): Reply<unknown, K, this>
    argetrange(...args: CommandArgs): Reply<unknown, K, this>
    argetrangeBuffer(...args: CommandArgs): Reply<unknown, K, this>
    argrep(...args: CommandArgs): Reply<unknown, K, this>
    argrepBuffer(...args: CommandArgs): Reply<unknown, K, this>
    arinfo(...args: CommandArgs): Reply<unknown, K, this>
    arinfoBuffer(...args: CommandArgs): Reply<unknown, K, this>
    arinsert(...args: CommandArgs): Reply<unknown, K, this>
    arinsertBuffer(...args: CommandArgs): Reply<unknown, K, this>
    arlastitems(...args: CommandArgs): Reply<unknown, K, this>
    arlastitemsBuffer(...args: CommandArgs): Reply<unknown, K, this>
    arlen(...args: CommandArgs): Reply<unknown, K, this>
    arlenBuffer(...args: CommandArgs): Reply<unknown, K, this>
    armget(...args: CommandArgs): Reply<unknown, K, this>
    armgetBuffer(...args: CommandArgs): Reply<unknown, K, this>
    armset(...args: CommandArgs): Reply<unknown, K, this>
    armsetBuffer(...args: CommandArgs): Reply<unknown, K, this>
    arnext(...args: CommandArgs): Reply<unknown, K, this>
    arnextBuffer(...args: CommandArgs): Reply<unknown, K, this>
    arop(...args: CommandArgs): Reply<unknown, K, this>
    aropBuffer(...args: CommandArgs): Reply<unknown, K, this>
    arring(...args: CommandArgs): Reply<unknown, K, this>
    arringBuffer(...args: CommandArgs): Reply<unknown, K, this>
    arscan(...args: CommandArgs): Reply<unknown, K, this>
    arscanBuffer(...args: CommandArgs): Reply<unknown, K, this>
    arseek(...args: CommandArgs): Reply<unknown, K, this>
    arseekBuffer(...args: CommandArgs): Reply<unknown, K, this>
    arset(...args: CommandArgs): Reply<unknown, K, this>
    arsetBuffer(...args: CommandArgs): Reply<unknown, K, this>
    asking(...args: CommandArgs): Reply<unknown, K, this>
    askingBuffer(...args: CommandArgs): Reply<unknown, K, this>
    auth(...args: CommandArgs): Reply<unknown, K, this>
    authBuffer(...args: CommandArgs): Reply<unknown, K, this>
    backup(...args: CommandArgs): Reply<unknown, K, this>
    backupBuffer(...args: CommandArgs): Reply<unknown, K, this>
    bgrewriteaof(...args: CommandArgs): Reply<unknown, K, this>
    bgrewriteaofBuffer(...args: CommandArgs): Reply<unknown, K, this>
    bgsave(...args: CommandArgs): Reply<unknown, K, this>
    bgsaveBuffer(...args: CommandArgs): Reply<unknown, K, this>
    bitcount(...args: CommandArgs): Reply<unknown, K, this>
    bitcountBuffer(...args: CommandArgs): Reply<unknown, K, this>
    bitfield(...args: CommandArgs): Reply<unknown, K, this>
    bitfieldBuffer(...args: CommandArgs): Reply<unknown, K, this>
    bitfield_ro(...args: CommandArgs): Reply<unknown, K, this>
    bitfield_roBuffer(...args: CommandArgs): Reply<unknown, K, this>
    bitop(...args: CommandArgs): Reply<unknown, K, this>
    bitopBuffer(...args: CommandArgs): Reply<unknown, K, this>
    bitpos(...args: CommandArgs): Reply<unknown, K, this>
    bitposBuffer(...args: CommandArgs): Reply<unknown, K, this>
    blmove(...args: CommandArgs): Reply<unknown, K, this>
    blmoveBuffer(...args: CommandArgs): Reply<unknown, K, this>
    blmovem(...args: CommandArgs): Reply<unknown, K, this>
    blmovemBuffer(...args: CommandArgs): Reply<unknown, K, this>
    blmpop(...args: CommandArgs): Reply<unknown, K, this>
    blmpopBuffer(...args: CommandArgs): Reply<unknown, K, this>
    blpop(...args: CommandArgs): Reply<unknown, K, this>
    blpopBuffer(...args: CommandArgs): Reply<unknown, K, this>
    brpop(...args: CommandArgs): Reply<unknown, K, this>
    brpopBuffer(...args: CommandArgs): Reply<unknown, K, this>
    brpoplpush(...args: CommandArgs): Reply<unknown, K, this>
    brpoplpushBuffer(...args: CommandArgs): Reply<unknown, K, this>
    bzmpop(...args: CommandArgs): Reply<unknown, K, this>
    bzmpopBuffer(...args: CommandArgs): Reply<unknown, K, this>
    bzpopmax(...args: CommandArgs): Reply<unknown, K, this>
    bzpopmaxBuffer(...args: CommandArgs): Reply<unknown, K, this>
    bzpopmin(...args: CommandArgs): Reply<unknown, K, this>
    bzpopminBuffer(...args: CommandArgs): Reply<unknown, K, this>
    client(...args: CommandArgs): Reply<unknown, K, this>
    clientBuffer(...args: CommandArgs): Reply<unknown, K, this>
    cluster(...args: CommandArgs): Reply<unknown, K, this>
    clusterBuffer(...args: CommandArgs): Reply<unknown, K, this>
    command(...args: CommandArgs): Reply<unknown, K, this>
    commandBuffer(...args: CommandArgs): Reply<unknown, K, this>
    config(...args: CommandArgs): Reply<unknown, K, this>
    configBuffer(...args: CommandArgs): Reply<unknown, K, this>
    copy(...args: CommandArgs): Reply<unknown, K, this>
    copyBuffer(...args: CommandArgs): Reply<unknown, K, this>

    dbsize(callback?: Callback<number>): Reply<number, K, this>
    dbsizeBuffer(...args: CommandArgs): Reply<unknown, K, this>

    debug(...args: CommandArgs): Reply<unknown, K, this>
    debugBuffer(...args: CommandArgs): Reply<unknown, K, this>

    decr(key: RedisKey, callback?: Callback<number>): Reply<number, K, this>
    decrBuffer(...args: CommandArgs): Reply<unknown, K, this>

    decrby(key: RedisKey, decrement: Num, callback?: Callback<number>): Reply<number, K, this>
    decrbyBuffer(...args: CommandArgs): Reply<unknown, K, this>

    /** DEL: how many keys were removed. */
    del(...args: [...keys: RedisKey[], callback: Callback<number>]): Reply<number, K, this>
    del(...args: [keys: readonly RedisKey[], callback: Callback<number>]): Reply<number, K, this>
    del(...args: RedisKey[]): Reply<number, K, this>
    del(keys: readonly RedisKey[]): Reply<number, K, this>
    delBuffer(...args: CommandArgs): Reply<unknown, K, this>

    delex(...args: CommandArgs): Reply<unknown, K, this>
    delexBuffer(...args: CommandArgs): Reply<unknown, K, this>
    digest(...args: CommandArgs): Reply<unknown, K, this>
    digestBuffer(...args: CommandArgs): Reply<unknown, K, this>
    discard(...args: CommandArgs): Reply<unknown, K, this>
    discardBuffer(...args: CommandArgs): Reply<unknown, K, this>
    dump(...args: CommandArgs): Reply<unknown, K, this>
    dumpBuffer(...args: CommandArgs): Reply<unknown, K, this>

    echo(message: string | Buffer, callback?: Callback<string>): Reply<string, K, this>
    echoBuffer(message: string | Buffer, callback?: Callback<Buffer>): Reply<Buffer, K, this>

    /** EVAL `script numkeys key … arg …`: whatever the script returns. */
    eval(
      ...args: [script: string | Buffer, numkeys: Num, ...keysAndArgs: RedisArg[], callback: Callback<unknown>]
    ): Reply<unknown, K, this>
    eval(...args: [script: string | Buffer, numkeys: Num, ...keysAndArgs: RedisArg[]]): Reply<unknown, K, this>
    evalBuffer(
      ...args: [script: string | Buffer, numkeys: Num, ...keysAndArgs: RedisArg[], callback: Callback<unknown>]
    ): Reply<unknown, K, this>
    evalBuffer(...args: [script: string | Buffer, numkeys: Num, ...keysAndArgs: RedisArg[]]): Reply<unknown, K, this>

    eval_ro(
      ...args: [script: string | Buffer, numkeys: Num, ...keysAndArgs: RedisArg[], callback: Callback<unknown>]
    ): Reply<unknown, K, this>
    eval_ro(...args: [script: string | Buffer, numkeys: Num, ...keysAndArgs: RedisArg[]]): Reply<unknown, K, this>
    eval_roBuffer(...args: CommandArgs): Reply<unknown, K, this>

    evalsha(
      ...args: [sha1: string | Buffer, numkeys: Num, ...keysAndArgs: RedisArg[], callback: Callback<unknown>]
    ): Reply<unknown, K, this>
    evalsha(...args: [sha1: string | Buffer, numkeys: Num, ...keysAndArgs: RedisArg[]]): Reply<unknown, K, this>
    evalshaBuffer(
      ...args: [sha1: string | Buffer, numkeys: Num, ...keysAndArgs: RedisArg[], callback: Callback<unknown>]
    ): Reply<unknown, K, this>
    evalshaBuffer(...args: [sha1: string | Buffer, numkeys: Num, ...keysAndArgs: RedisArg[]]): Reply<unknown, K, this>

    evalsha_ro(
      ...args: [sha1: string | Buffer, numkeys: Num, ...keysAndArgs: RedisArg[], callback: Callback<unknown>]
    ): Reply<unknown, K, this>
    evalsha_ro(...args: [sha1: string | Buffer, numkeys: Num, ...keysAndArgs: RedisArg[]]): Reply<unknown, K, this>
    evalsha_roBuffer(...args: CommandArgs): Reply<unknown, K, this>

    /** EXISTS: how many of the keys exist (a key named twice counts twice). */
    exists(...args: [...keys: RedisKey[], callback: Callback<number>]): Reply<number, K, this>
    exists(...args: [keys: readonly RedisKey[], callback: Callback<number>]): Reply<number, K, this>
    exists(...args: RedisKey[]): Reply<number, K, this>
    exists(keys: readonly RedisKey[]): Reply<number, K, this>
    existsBuffer(...args: CommandArgs): Reply<unknown, K, this>

    /** EXPIRE: 1 when the timeout was set, 0 when the key does not exist or the condition failed. */
    expire(key: RedisKey, seconds: Num, callback?: Callback<number>): Reply<number, K, this>
    expire(key: RedisKey, seconds: Num, condition: ExpireCondition, callback?: Callback<number>): Reply<number, K, this>
    expireBuffer(...args: CommandArgs): Reply<unknown, K, this>

    expireat(key: RedisKey, unixTimeSeconds: Num, callback?: Callback<number>): Reply<number, K, this>
    expireat(
      key: RedisKey,
      unixTimeSeconds: Num,
      condition: ExpireCondition,
      callback?: Callback<number>,
    ): Reply<number, K, this>
    expireatBuffer(...args: CommandArgs): Reply<unknown, K, this>

    expiretime(key: RedisKey, callback?: Callback<number>): Reply<number, K, this>
    expiretimeBuffer(...args: CommandArgs): Reply<unknown, K, this>

    failover(...args: CommandArgs): Reply<unknown, K, this>
    failoverBuffer(...args: CommandArgs): Reply<unknown, K, this>
    fcall(...args: CommandArgs): Reply<unknown, K, this>
    fcallBuffer(...args: CommandArgs): Reply<unknown, K, this>
    fcall_ro(...args: CommandArgs): Reply<unknown, K, this>
    fcall_roBuffer(...args: CommandArgs): Reply<unknown, K, this>

    flushall(callback?: Callback<'OK'>): Reply<'OK', K, this>
    flushall(mode: 'ASYNC' | 'SYNC', callback?: Callback<'OK'>): Reply<'OK', K, this>
    flushallBuffer(...args: CommandArgs): Reply<unknown, K, this>

    flushdb(callback?: Callback<'OK'>): Reply<'OK', K, this>
    flushdb(mode: 'ASYNC' | 'SYNC', callback?: Callback<'OK'>): Reply<'OK', K, this>
    flushdbBuffer(...args: CommandArgs): Reply<unknown, K, this>

    function(...args: CommandArgs): Reply<unknown, K, this>
    functionBuffer(...args: CommandArgs): Reply<unknown, K, this>
    geoadd(...args: CommandArgs): Reply<unknown, K, this>
    geoaddBuffer(...args: CommandArgs): Reply<unknown, K, this>
    geodist(...args: CommandArgs): Reply<unknown, K, this>
    geodistBuffer(...args: CommandArgs): Reply<unknown, K, this>
    geohash(...args: CommandArgs): Reply<unknown, K, this>
    geohashBuffer(...args: CommandArgs): Reply<unknown, K, this>
    geopos(...args: CommandArgs): Reply<unknown, K, this>
    geoposBuffer(...args: CommandArgs): Reply<unknown, K, this>
    georadius(...args: CommandArgs): Reply<unknown, K, this>
    georadiusBuffer(...args: CommandArgs): Reply<unknown, K, this>
    georadius_ro(...args: CommandArgs): Reply<unknown, K, this>
    georadius_roBuffer(...args: CommandArgs): Reply<unknown, K, this>
    georadiusbymember(...args: CommandArgs): Reply<unknown, K, this>
    georadiusbymemberBuffer(...args: CommandArgs): Reply<unknown, K, this>
    georadiusbymember_ro(...args: CommandArgs): Reply<unknown, K, this>
    georadiusbymember_roBuffer(...args: CommandArgs): Reply<unknown, K, this>
    geosearch(...args: CommandArgs): Reply<unknown, K, this>
    geosearchBuffer(...args: CommandArgs): Reply<unknown, K, this>
    geosearchstore(...args: CommandArgs): Reply<unknown, K, this>
    geosearchstoreBuffer(...args: CommandArgs): Reply<unknown, K, this>

    /** GET: the value, or `null` when the key does not exist. */
    get(key: RedisKey, callback?: Callback<string | null>): Reply<string | null, K, this>
    getBuffer(key: RedisKey, callback?: Callback<Buffer | null>): Reply<Buffer | null, K, this>

    getbit(...args: CommandArgs): Reply<unknown, K, this>
    getbitBuffer(...args: CommandArgs): Reply<unknown, K, this>

    getdel(key: RedisKey, callback?: Callback<string | null>): Reply<string | null, K, this>
    getdelBuffer(key: RedisKey, callback?: Callback<Buffer | null>): Reply<Buffer | null, K, this>

    /** GETEX: the value (or `null`), optionally changing its expiry. */
    getex(key: RedisKey, callback?: Callback<string | null>): Reply<string | null, K, this>
    getex(
      key: RedisKey,
      expiryToken: ExpiryToken,
      time: Num,
      callback?: Callback<string | null>,
    ): Reply<string | null, K, this>
    getex(key: RedisKey, persist: 'PERSIST', callback?: Callback<string | null>): Reply<string | null, K, this>
    getexBuffer(key: RedisKey, callback?: Callback<Buffer | null>): Reply<Buffer | null, K, this>
    getexBuffer(
      key: RedisKey,
      expiryToken: ExpiryToken,
      time: Num,
      callback?: Callback<Buffer | null>,
    ): Reply<Buffer | null, K, this>
    getexBuffer(key: RedisKey, persist: 'PERSIST', callback?: Callback<Buffer | null>): Reply<Buffer | null, K, this>

    getrange(key: RedisKey, start: Num, end: Num, callback?: Callback<string>): Reply<string, K, this>
    getrangeBuffer(key: RedisKey, start: Num, end: Num, callback?: Callback<Buffer>): Reply<Buffer, K, this>

    getset(key: RedisKey, value: RedisValue, callback?: Callback<string | null>): Reply<string | null, K, this>
    getsetBuffer(key: RedisKey, value: RedisValue, callback?: Callback<Buffer | null>): Reply<Buffer | null, K, this>

    /** HDEL: how many fields were removed. */
    hdel(...args: [key: RedisKey, ...fields: (string | Buffer)[], callback: Callback<number>]): Reply<number, K, this>
    hdel(...args: [key: RedisKey, ...fields: (string | Buffer)[]]): Reply<number, K, this>
    hdelBuffer(...args: CommandArgs): Reply<unknown, K, this>

    hello(...args: CommandArgs): Reply<unknown, K, this>
    helloBuffer(...args: CommandArgs): Reply<unknown, K, this>

    /** HEXISTS: 1 or 0. */
    hexists(key: RedisKey, field: string | Buffer, callback?: Callback<number>): Reply<number, K, this>
    hexistsBuffer(...args: CommandArgs): Reply<unknown, K, this>

    hexpire(...args: CommandArgs): Reply<unknown, K, this>
    hexpireBuffer(...args: CommandArgs): Reply<unknown, K, this>
    hexpireat(...args: CommandArgs): Reply<unknown, K, this>
    hexpireatBuffer(...args: CommandArgs): Reply<unknown, K, this>
    hexpiretime(...args: CommandArgs): Reply<unknown, K, this>
    hexpiretimeBuffer(...args: CommandArgs): Reply<unknown, K, this>

    hget(key: RedisKey, field: string | Buffer, callback?: Callback<string | null>): Reply<string | null, K, this>
    hgetBuffer(key: RedisKey, field: string | Buffer, callback?: Callback<Buffer | null>): Reply<Buffer | null, K, this>

    /** HGETALL as an object (`{}` when the key does not exist). */
    hgetall(key: RedisKey, callback?: Callback<Record<string, string>>): Reply<Record<string, string>, K, this>
    hgetallBuffer(key: RedisKey, callback?: Callback<Record<string, Buffer>>): Reply<Record<string, Buffer>, K, this>

    hgetdel(...args: CommandArgs): Reply<unknown, K, this>
    hgetdelBuffer(...args: CommandArgs): Reply<unknown, K, this>
    hgetex(...args: CommandArgs): Reply<unknown, K, this>
    hgetexBuffer(...args: CommandArgs): Reply<unknown, K, this>
    himport(...args: CommandArgs): Reply<unknown, K, this>
    himportBuffer(...args: CommandArgs): Reply<unknown, K, this>

    hincrby(key: RedisKey, field: string | Buffer, increment: Num, callback?: Callback<number>): Reply<number, K, this>
    hincrbyBuffer(...args: CommandArgs): Reply<unknown, K, this>

    hincrbyfloat(
      key: RedisKey,
      field: string | Buffer,
      increment: Num,
      callback?: Callback<string>,
    ): Reply<string, K, this>
    hincrbyfloatBuffer(...args: CommandArgs): Reply<unknown, K, this>

    hkeys(key: RedisKey, callback?: Callback<string[]>): Reply<string[], K, this>
    hkeysBuffer(key: RedisKey, callback?: Callback<Buffer[]>): Reply<Buffer[], K, this>

    hlen(key: RedisKey, callback?: Callback<number>): Reply<number, K, this>
    hlenBuffer(...args: CommandArgs): Reply<unknown, K, this>

    hmget(
      ...args: [key: RedisKey, ...fields: (string | Buffer)[], callback: Callback<(string | null)[]>]
    ): Reply<(string | null)[], K, this>
    hmget(
      ...args: [key: RedisKey, fields: readonly (string | Buffer)[], callback: Callback<(string | null)[]>]
    ): Reply<(string | null)[], K, this>
    hmget(...args: [key: RedisKey, ...fields: (string | Buffer)[]]): Reply<(string | null)[], K, this>
    hmget(key: RedisKey, fields: readonly (string | Buffer)[]): Reply<(string | null)[], K, this>
    hmgetBuffer(
      ...args: [key: RedisKey, ...fields: (string | Buffer)[], callback: Callback<(Buffer | null)[]>]
    ): Reply<(Buffer | null)[], K, this>
    hmgetBuffer(...args: [key: RedisKey, ...fields: (string | Buffer)[]]): Reply<(Buffer | null)[], K, this>
    hmgetBuffer(key: RedisKey, fields: readonly (string | Buffer)[]): Reply<(Buffer | null)[], K, this>

    /** HMSET (deprecated by Redis in favour of HSET): `'OK'`. */
    hmset(
      key: RedisKey,
      map: ReadonlyMap<string | Buffer | number, RedisValue>,
      callback?: Callback<'OK'>,
    ): Reply<'OK', K, this>
    hmset<T extends FieldObject<T>>(key: RedisKey, object: T, callback?: Callback<'OK'>): Reply<'OK', K, this>
    hmset(...args: [key: RedisKey, ...fieldsAndValues: RedisValue[], callback: Callback<'OK'>]): Reply<'OK', K, this>
    hmset(...args: [key: RedisKey, ...fieldsAndValues: RedisValue[]]): Reply<'OK', K, this>
    hmsetBuffer(...args: CommandArgs): Reply<unknown, K, this>

    hotkeys(...args: CommandArgs): Reply<unknown, K, this>
    hotkeysBuffer(...args: CommandArgs): Reply<unknown, K, this>
    hpersist(...args: CommandArgs): Reply<unknown, K, this>
    hpersistBuffer(...args: CommandArgs): Reply<unknown, K, this>
    hpexpire(...args: CommandArgs): Reply<unknown, K, this>
    hpexpireBuffer(...args: CommandArgs): Reply<unknown, K, this>
    hpexpireat(...args: CommandArgs): Reply<unknown, K, this>
    hpexpireatBuffer(...args: CommandArgs): Reply<unknown, K, this>
    hpexpiretime(...args: CommandArgs): Reply<unknown, K, this>
    hpexpiretimeBuffer(...args: CommandArgs): Reply<unknown, K, this>
    hpttl(...args: CommandArgs): Reply<unknown, K, this>
    hpttlBuffer(...args: CommandArgs): Reply<unknown, K, this>
    hrandfield(...args: CommandArgs): Reply<unknown, K, this>
    hrandfieldBuffer(...args: CommandArgs): Reply<unknown, K, this>

    /** HSCAN: the next cursor and `[field, value, …]` (fields only with NOVALUES). */
    hscan(
      key: RedisKey,
      cursor: Num,
      ...args: WithCallback<[...MatchOpt, ...CountOpt, ...Opt<[novalues: 'NOVALUES']>], ScanReply<string>>
    ): Reply<ScanReply<string>, K, this>
    hscanBuffer(
      key: RedisKey,
      cursor: Num,
      ...args: WithCallback<[...MatchOpt, ...CountOpt, ...Opt<[novalues: 'NOVALUES']>], ScanReply<Buffer>>
    ): Reply<ScanReply<Buffer>, K, this>

    /** HSET from `{ field: value }`, a Map, or `field, value, …`: how many fields were added. */
    hset(
      key: RedisKey,
      map: ReadonlyMap<string | Buffer | number, RedisValue>,
      callback?: Callback<number>,
    ): Reply<number, K, this>
    hset<T extends FieldObject<T>>(key: RedisKey, object: T, callback?: Callback<number>): Reply<number, K, this>
    hset(...args: [key: RedisKey, ...fieldsAndValues: RedisValue[], callback: Callback<number>]): Reply<number, K, this>
    hset(...args: [key: RedisKey, ...fieldsAndValues: RedisValue[]]): Reply<number, K, this>
    hsetBuffer(...args: CommandArgs): Reply<unknown, K, this>

    hsetex(...args: CommandArgs): Reply<unknown, K, this>
    hsetexBuffer(...args: CommandArgs): Reply<unknown, K, this>

    hsetnx(
      key: RedisKey,
      field: string | Buffer,
      value: RedisValue,
      callback?: Callback<number>,
    ): Reply<number, K, this>
    hsetnxBuffer(...args: CommandArgs): Reply<unknown, K, this>

    hstrlen(key: RedisKey, field: string | Buffer, callback?: Callback<number>): Reply<number, K, this>
    hstrlenBuffer(...args: CommandArgs): Reply<unknown, K, this>

    httl(...args: CommandArgs): Reply<unknown, K, this>
    httlBuffer(...args: CommandArgs): Reply<unknown, K, this>

    hvals(key: RedisKey, callback?: Callback<string[]>): Reply<string[], K, this>
    hvalsBuffer(key: RedisKey, callback?: Callback<Buffer[]>): Reply<Buffer[], K, this>

    incr(key: RedisKey, callback?: Callback<number>): Reply<number, K, this>
    incrBuffer(...args: CommandArgs): Reply<unknown, K, this>

    incrby(key: RedisKey, increment: Num, callback?: Callback<number>): Reply<number, K, this>
    incrbyBuffer(...args: CommandArgs): Reply<unknown, K, this>

    /** INCRBYFLOAT: the new value as Redis prints it (a string, as in ioredis). */
    incrbyfloat(key: RedisKey, increment: Num, callback?: Callback<string>): Reply<string, K, this>
    incrbyfloatBuffer(...args: CommandArgs): Reply<unknown, K, this>

    increx(...args: CommandArgs): Reply<unknown, K, this>
    increxBuffer(...args: CommandArgs): Reply<unknown, K, this>
    info(...args: CommandArgs): Reply<unknown, K, this>
    infoBuffer(...args: CommandArgs): Reply<unknown, K, this>

    keys(pattern: string, callback?: Callback<string[]>): Reply<string[], K, this>
    keysBuffer(pattern: string, callback?: Callback<Buffer[]>): Reply<Buffer[], K, this>

    lastsave(...args: CommandArgs): Reply<unknown, K, this>
    lastsaveBuffer(...args: CommandArgs): Reply<unknown, K, this>
    latency(...args: CommandArgs): Reply<unknown, K, this>
    latencyBuffer(...args: CommandArgs): Reply<unknown, K, this>
    lcs(...args: CommandArgs): Reply<unknown, K, this>
    lcsBuffer(...args: CommandArgs): Reply<unknown, K, this>

    lindex(key: RedisKey, index: Num, callback?: Callback<string | null>): Reply<string | null, K, this>
    lindexBuffer(key: RedisKey, index: Num, callback?: Callback<Buffer | null>): Reply<Buffer | null, K, this>

    linsert(
      key: RedisKey,
      where: 'BEFORE' | 'AFTER',
      pivot: RedisValue,
      element: RedisValue,
      callback?: Callback<number>,
    ): Reply<number, K, this>
    linsertBuffer(...args: CommandArgs): Reply<unknown, K, this>

    llen(key: RedisKey, callback?: Callback<number>): Reply<number, K, this>
    llenBuffer(...args: CommandArgs): Reply<unknown, K, this>

    /** LMOVE: the moved element, or `null` when `source` is empty. */
    lmove(
      source: RedisKey,
      destination: RedisKey,
      from: 'LEFT' | 'RIGHT',
      to: 'LEFT' | 'RIGHT',
      callback?: Callback<string | null>,
    ): Reply<string | null, K, this>
    lmoveBuffer(
      source: RedisKey,
      destination: RedisKey,
      from: 'LEFT' | 'RIGHT',
      to: 'LEFT' | 'RIGHT',
      callback?: Callback<Buffer | null>,
    ): Reply<Buffer | null, K, this>

    lmovem(...args: CommandArgs): Reply<unknown, K, this>
    lmovemBuffer(...args: CommandArgs): Reply<unknown, K, this>
    lmpop(...args: CommandArgs): Reply<unknown, K, this>
    lmpopBuffer(...args: CommandArgs): Reply<unknown, K, this>
    lolwut(...args: CommandArgs): Reply<unknown, K, this>
    lolwutBuffer(...args: CommandArgs): Reply<unknown, K, this>

    /** LPOP: one element (or `null`); with a count, an array (or `null` when the key does not exist). */
    lpop(key: RedisKey, callback?: Callback<string | null>): Reply<string | null, K, this>
    lpop(key: RedisKey, count: Num, callback?: Callback<string[] | null>): Reply<string[] | null, K, this>
    lpopBuffer(key: RedisKey, callback?: Callback<Buffer | null>): Reply<Buffer | null, K, this>
    lpopBuffer(key: RedisKey, count: Num, callback?: Callback<Buffer[] | null>): Reply<Buffer[] | null, K, this>

    lpos(...args: CommandArgs): Reply<unknown, K, this>
    lposBuffer(...args: CommandArgs): Reply<unknown, K, this>

    /** LPUSH: the new length. */
    lpush(...args: [key: RedisKey, ...elements: RedisValue[], callback: Callback<number>]): Reply<number, K, this>
    lpush(...args: [key: RedisKey, ...elements: RedisValue[]]): Reply<number, K, this>
    lpushBuffer(...args: CommandArgs): Reply<unknown, K, this>

    lpushx(...args: [key: RedisKey, ...elements: RedisValue[], callback: Callback<number>]): Reply<number, K, this>
    lpushx(...args: [key: RedisKey, ...elements: RedisValue[]]): Reply<number, K, this>
    lpushxBuffer(...args: CommandArgs): Reply<unknown, K, this>

    lrange(key: RedisKey, start: Num, stop: Num, callback?: Callback<string[]>): Reply<string[], K, this>
    lrangeBuffer(key: RedisKey, start: Num, stop: Num, callback?: Callback<Buffer[]>): Reply<Buffer[], K, this>

    /** LREM: how many elements were removed. */
    lrem(key: RedisKey, count: Num, element: RedisValue, callback?: Callback<number>): Reply<number, K, this>
    lremBuffer(...args: CommandArgs): Reply<unknown, K, this>

    lset(key: RedisKey, index: Num, element: RedisValue, callback?: Callback<'OK'>): Reply<'OK', K, this>
    lsetBuffer(...args: CommandArgs): Reply<unknown, K, this>

    ltrim(key: RedisKey, start: Num, stop: Num, callback?: Callback<'OK'>): Reply<'OK', K, this>
    ltrimBuffer(...args: CommandArgs): Reply<unknown, K, this>

    memory(...args: CommandArgs): Reply<unknown, K, this>
    memoryBuffer(...args: CommandArgs): Reply<unknown, K, this>

    /** MGET: one value (or `null`) per key. */
    mget(...args: [...keys: RedisKey[], callback: Callback<(string | null)[]>]): Reply<(string | null)[], K, this>
    mget(...args: [keys: readonly RedisKey[], callback: Callback<(string | null)[]>]): Reply<(string | null)[], K, this>
    mget(...args: RedisKey[]): Reply<(string | null)[], K, this>
    mget(keys: readonly RedisKey[]): Reply<(string | null)[], K, this>
    mgetBuffer(...args: [...keys: RedisKey[], callback: Callback<(Buffer | null)[]>]): Reply<(Buffer | null)[], K, this>
    mgetBuffer(
      ...args: [keys: readonly RedisKey[], callback: Callback<(Buffer | null)[]>]
    ): Reply<(Buffer | null)[], K, this>
    mgetBuffer(...args: RedisKey[]): Reply<(Buffer | null)[], K, this>
    mgetBuffer(keys: readonly RedisKey[]): Reply<(Buffer | null)[], K, this>

    migrate(...args: CommandArgs): Reply<unknown, K, this>
    migrateBuffer(...args: CommandArgs): Reply<unknown, K, this>
    module(...args: CommandArgs): Reply<unknown, K, this>
    moduleBuffer(...args: CommandArgs): Reply<unknown, K, this>
    move(...args: CommandArgs): Reply<unknown, K, this>
    moveBuffer(...args: CommandArgs): Reply<unknown, K, this>

    /** MSET from `{ key: value }`, a Map, or `key, value, key, value…`. */
    mset(map: ReadonlyMap<RedisKey | number, RedisValue>, callback?: Callback<'OK'>): Reply<'OK', K, this>
    mset<T extends FieldObject<T>>(object: T, callback?: Callback<'OK'>): Reply<'OK', K, this>
    mset(...args: [...keysAndValues: RedisValue[], callback: Callback<'OK'>]): Reply<'OK', K, this>
    mset(...args: RedisValue[]): Reply<'OK', K, this>
    msetBuffer(...args: CommandArgs): Reply<unknown, K, this>

    msetex(...args: CommandArgs): Reply<unknown, K, this>
    msetexBuffer(...args: CommandArgs): Reply<unknown, K, this>

    /** MSETNX: 1 when all keys were set, 0 when none was (one existed). */
    msetnx(map: ReadonlyMap<RedisKey | number, RedisValue>, callback?: Callback<number>): Reply<number, K, this>
    msetnx<T extends FieldObject<T>>(object: T, callback?: Callback<number>): Reply<number, K, this>
    msetnx(...args: [...keysAndValues: RedisValue[], callback: Callback<number>]): Reply<number, K, this>
    msetnx(...args: RedisValue[]): Reply<number, K, this>
    msetnxBuffer(...args: CommandArgs): Reply<unknown, K, this>

    object(...args: CommandArgs): Reply<unknown, K, this>
    objectBuffer(...args: CommandArgs): Reply<unknown, K, this>

    persist(key: RedisKey, callback?: Callback<number>): Reply<number, K, this>
    persistBuffer(...args: CommandArgs): Reply<unknown, K, this>

    pexpire(key: RedisKey, milliseconds: Num, callback?: Callback<number>): Reply<number, K, this>
    pexpire(
      key: RedisKey,
      milliseconds: Num,
      condition: ExpireCondition,
      callback?: Callback<number>,
    ): Reply<number, K, this>
    pexpireBuffer(...args: CommandArgs): Reply<unknown, K, this>

    pexpireat(key: RedisKey, unixTimeMilliseconds: Num, callback?: Callback<number>): Reply<number, K, this>
    pexpireat(
      key: RedisKey,
      unixTimeMilliseconds: Num,
      condition: ExpireCondition,
      callback?: Callback<number>,
    ): Reply<number, K, this>
    pexpireatBuffer(...args: CommandArgs): Reply<unknown, K, this>

    pexpiretime(key: RedisKey, callback?: Callback<number>): Reply<number, K, this>
    pexpiretimeBuffer(...args: CommandArgs): Reply<unknown, K, this>

    pfadd(...args: CommandArgs): Reply<unknown, K, this>
    pfaddBuffer(...args: CommandArgs): Reply<unknown, K, this>
    pfcount(...args: CommandArgs): Reply<unknown, K, this>
    pfcountBuffer(...args: CommandArgs): Reply<unknown, K, this>
    pfdebug(...args: CommandArgs): Reply<unknown, K, this>
    pfdebugBuffer(...args: CommandArgs): Reply<unknown, K, this>
    pfmerge(...args: CommandArgs): Reply<unknown, K, this>
    pfmergeBuffer(...args: CommandArgs): Reply<unknown, K, this>
    pfselftest(...args: CommandArgs): Reply<unknown, K, this>
    pfselftestBuffer(...args: CommandArgs): Reply<unknown, K, this>

    ping(callback?: Callback<'PONG'>): Reply<'PONG', K, this>
    ping(message: string | Buffer, callback?: Callback<string>): Reply<string, K, this>
    pingBuffer(callback?: Callback<Buffer>): Reply<Buffer, K, this>
    pingBuffer(message: string | Buffer, callback?: Callback<Buffer>): Reply<Buffer, K, this>

    psetex(key: RedisKey, milliseconds: Num, value: RedisValue, callback?: Callback<'OK'>): Reply<'OK', K, this>
    psetexBuffer(...args: CommandArgs): Reply<unknown, K, this>

    psubscribe(...args: [...patterns: string[], callback: Callback<unknown>]): Reply<unknown, K, this>
    psubscribe(...args: string[]): Reply<unknown, K, this>
    psubscribeBuffer(...args: CommandArgs): Reply<unknown, K, this>

    psync(...args: CommandArgs): Reply<unknown, K, this>
    psyncBuffer(...args: CommandArgs): Reply<unknown, K, this>

    /** PTTL in milliseconds; -1 without expiry, -2 when the key does not exist. */
    pttl(key: RedisKey, callback?: Callback<number>): Reply<number, K, this>
    pttlBuffer(...args: CommandArgs): Reply<unknown, K, this>

    /** PUBLISH: how many subscribers received the message. */
    publish(channel: string | Buffer, message: string | Buffer, callback?: Callback<number>): Reply<number, K, this>
    publishBuffer(...args: CommandArgs): Reply<unknown, K, this>

    pubsub(...args: CommandArgs): Reply<unknown, K, this>
    pubsubBuffer(...args: CommandArgs): Reply<unknown, K, this>

    punsubscribe(...args: [...patterns: string[], callback: Callback<unknown>]): Reply<unknown, K, this>
    punsubscribe(...args: string[]): Reply<unknown, K, this>
    punsubscribeBuffer(...args: CommandArgs): Reply<unknown, K, this>

    randomkey(callback?: Callback<string | null>): Reply<string | null, K, this>
    randomkeyBuffer(...args: CommandArgs): Reply<unknown, K, this>

    readonly(...args: CommandArgs): Reply<unknown, K, this>
    readonlyBuffer(...args: CommandArgs): Reply<unknown, K, this>
    readwrite(...args: CommandArgs): Reply<unknown, K, this>
    readwriteBuffer(...args: CommandArgs): Reply<unknown, K, this>

    rename(key: RedisKey, newkey: RedisKey, callback?: Callback<'OK'>): Reply<'OK', K, this>
    renameBuffer(...args: CommandArgs): Reply<unknown, K, this>

    renamenx(key: RedisKey, newkey: RedisKey, callback?: Callback<number>): Reply<number, K, this>
    renamenxBuffer(...args: CommandArgs): Reply<unknown, K, this>

    replconf(...args: CommandArgs): Reply<unknown, K, this>
    replconfBuffer(...args: CommandArgs): Reply<unknown, K, this>
    replicaof(...args: CommandArgs): Reply<unknown, K, this>
    replicaofBuffer(...args: CommandArgs): Reply<unknown, K, this>
    reset(...args: CommandArgs): Reply<unknown, K, this>
    resetBuffer(...args: CommandArgs): Reply<unknown, K, this>
    restore(...args: CommandArgs): Reply<unknown, K, this>
    restoreBuffer(...args: CommandArgs): Reply<unknown, K, this>
    'restore-asking'(...args: CommandArgs): Reply<unknown, K, this>
    'restore-askingBuffer'(...args: CommandArgs): Reply<unknown, K, this>
    role(...args: CommandArgs): Reply<unknown, K, this>
    roleBuffer(...args: CommandArgs): Reply<unknown, K, this>

    rpop(key: RedisKey, callback?: Callback<string | null>): Reply<string | null, K, this>
    rpop(key: RedisKey, count: Num, callback?: Callback<string[] | null>): Reply<string[] | null, K, this>
    rpopBuffer(key: RedisKey, callback?: Callback<Buffer | null>): Reply<Buffer | null, K, this>
    rpopBuffer(key: RedisKey, count: Num, callback?: Callback<Buffer[] | null>): Reply<Buffer[] | null, K, this>

    rpoplpush(
      source: RedisKey,
      destination: RedisKey,
      callback?: Callback<string | null>,
    ): Reply<string | null, K, this>
    rpoplpushBuffer(
      source: RedisKey,
      destination: RedisKey,
      callback?: Callback<Buffer | null>,
    ): Reply<Buffer | null, K, this>

    rpush(...args: [key: RedisKey, ...elements: RedisValue[], callback: Callback<number>]): Reply<number, K, this>
    rpush(...args: [key: RedisKey, ...elements: RedisValue[]]): Reply<number, K, this>
    rpushBuffer(...args: CommandArgs): Reply<unknown, K, this>

    rpushx(...args: [key: RedisKey, ...elements: RedisValue[], callback: Callback<number>]): Reply<number, K, this>
    rpushx(...args: [key: RedisKey, ...elements: RedisValue[]]): Reply<number, K, this>
    rpushxBuffer(...args: CommandArgs): Reply<unknown, K, this>

    /** SADD: how many members were added. */
    sadd(...args: [key: RedisKey, ...members: RedisValue[], callback: Callback<number>]): Reply<number, K, this>
    sadd(...args: [key: RedisKey, members: readonly RedisValue[], callback: Callback<number>]): Reply<number, K, this>
    sadd(...args: [key: RedisKey, ...members: RedisValue[]]): Reply<number, K, this>
    sadd(key: RedisKey, members: readonly RedisValue[]): Reply<number, K, this>
    saddBuffer(...args: CommandArgs): Reply<unknown, K, this>

    save(...args: CommandArgs): Reply<unknown, K, this>
    saveBuffer(...args: CommandArgs): Reply<unknown, K, this>

    /** SCAN: the next cursor (`'0'` when done) and one page of keys. */
    scan(
      cursor: Num,
      ...args: WithCallback<[...MatchOpt, ...CountOpt, ...Opt<[typeToken: 'TYPE', type: string]>], ScanReply<string>>
    ): Reply<ScanReply<string>, K, this>
    scanBuffer(
      cursor: Num,
      ...args: WithCallback<[...MatchOpt, ...CountOpt, ...Opt<[typeToken: 'TYPE', type: string]>], ScanReply<Buffer>>
    ): Reply<ScanReply<Buffer>, K, this>

    scard(key: RedisKey, callback?: Callback<number>): Reply<number, K, this>
    scardBuffer(...args: CommandArgs): Reply<unknown, K, this>

    /** SCRIPT LOAD: the SHA1 of the script. */
    script(subcommand: 'LOAD', script: string | Buffer, callback?: Callback<string>): Reply<string, K, this>
    /** SCRIPT EXISTS: 1 or 0 per SHA1. */
    script(
      ...args: [subcommand: 'EXISTS', ...sha1s: (string | Buffer)[], callback: Callback<number[]>]
    ): Reply<number[], K, this>
    script(...args: [subcommand: 'EXISTS', ...sha1s: (string | Buffer)[]]): Reply<number[], K, this>
    script(subcommand: 'FLUSH', callback?: Callback<'OK'>): Reply<'OK', K, this>
    script(subcommand: 'FLUSH', mode: 'ASYNC' | 'SYNC', callback?: Callback<'OK'>): Reply<'OK', K, this>
    script(subcommand: 'KILL', callback?: Callback<'OK'>): Reply<'OK', K, this>
    scriptBuffer(...args: CommandArgs): Reply<unknown, K, this>

    sdiff(...args: [...keys: RedisKey[], callback: Callback<string[]>]): Reply<string[], K, this>
    sdiff(...args: RedisKey[]): Reply<string[], K, this>
    sdiff(keys: readonly RedisKey[]): Reply<string[], K, this>
    sdiffBuffer(...args: [...keys: RedisKey[], callback: Callback<Buffer[]>]): Reply<Buffer[], K, this>
    sdiffBuffer(...args: RedisKey[]): Reply<Buffer[], K, this>
    sdiffBuffer(keys: readonly RedisKey[]): Reply<Buffer[], K, this>

    sdiffcard(...args: CommandArgs): Reply<unknown, K, this>
    sdiffcardBuffer(...args: CommandArgs): Reply<unknown, K, this>

    sdiffstore(
      ...args: [destination: RedisKey, ...keys: RedisKey[], callback: Callback<number>]
    ): Reply<number, K, this>
    sdiffstore(...args: [destination: RedisKey, ...keys: RedisKey[]]): Reply<number, K, this>
    sdiffstoreBuffer(...args: CommandArgs): Reply<unknown, K, this>

    select(...args: CommandArgs): Reply<unknown, K, this>
    selectBuffer(...args: CommandArgs): Reply<unknown, K, this>

    /** SET: `'OK'`; `null` when an NX/XX/IFEQ… condition was not met; with GET, the old value. */
    set(key: RedisKey, value: RedisValue, callback?: Callback<'OK'>): Reply<'OK', K, this>
    set(
      key: RedisKey,
      value: RedisValue,
      expiryToken: ExpiryToken,
      time: Num,
      callback?: Callback<'OK'>,
    ): Reply<'OK', K, this>
    set(key: RedisKey, value: RedisValue, keepttl: 'KEEPTTL', callback?: Callback<'OK'>): Reply<'OK', K, this>
    set(
      key: RedisKey,
      value: RedisValue,
      condition: 'NX' | 'XX',
      callback?: Callback<'OK' | null>,
    ): Reply<'OK' | null, K, this>
    set(
      key: RedisKey,
      value: RedisValue,
      expiryToken: ExpiryToken,
      time: Num,
      condition: 'NX' | 'XX',
      callback?: Callback<'OK' | null>,
    ): Reply<'OK' | null, K, this>
    set(
      key: RedisKey,
      value: RedisValue,
      condition: 'NX' | 'XX',
      expiryToken: ExpiryToken,
      time: Num,
      callback?: Callback<'OK' | null>,
    ): Reply<'OK' | null, K, this>
    set(
      key: RedisKey,
      value: RedisValue,
      keepttl: 'KEEPTTL',
      condition: 'NX' | 'XX',
      callback?: Callback<'OK' | null>,
    ): Reply<'OK' | null, K, this>
    set(
      key: RedisKey,
      value: RedisValue,
      compareToken: CompareToken,
      comparand: RedisValue,
      callback?: Callback<'OK' | null>,
    ): Reply<'OK' | null, K, this>
    set(
      key: RedisKey,
      value: RedisValue,
      expiryToken: ExpiryToken,
      time: Num,
      compareToken: CompareToken,
      comparand: RedisValue,
      callback?: Callback<'OK' | null>,
    ): Reply<'OK' | null, K, this>
    set(
      key: RedisKey,
      value: RedisValue,
      keepttl: 'KEEPTTL',
      compareToken: CompareToken,
      comparand: RedisValue,
      callback?: Callback<'OK' | null>,
    ): Reply<'OK' | null, K, this>
    set(key: RedisKey, value: RedisValue, get: 'GET', callback?: Callback<string | null>): Reply<string | null, K, this>
    set(
      key: RedisKey,
      value: RedisValue,
      expiryToken: ExpiryToken,
      time: Num,
      get: 'GET',
      callback?: Callback<string | null>,
    ): Reply<string | null, K, this>
    set(
      key: RedisKey,
      value: RedisValue,
      keepttl: 'KEEPTTL',
      get: 'GET',
      callback?: Callback<string | null>,
    ): Reply<string | null, K, this>
    set(
      key: RedisKey,
      value: RedisValue,
      condition: 'NX' | 'XX',
      get: 'GET',
      callback?: Callback<string | null>,
    ): Reply<string | null, K, this>
    set(
      key: RedisKey,
      value: RedisValue,
      expiryToken: ExpiryToken,
      time: Num,
      condition: 'NX' | 'XX',
      get: 'GET',
      callback?: Callback<string | null>,
    ): Reply<string | null, K, this>
    set(
      key: RedisKey,
      value: RedisValue,
      keepttl: 'KEEPTTL',
      condition: 'NX' | 'XX',
      get: 'GET',
      callback?: Callback<string | null>,
    ): Reply<string | null, K, this>
    set(
      key: RedisKey,
      value: RedisValue,
      compareToken: CompareToken,
      comparand: RedisValue,
      get: 'GET',
      callback?: Callback<string | null>,
    ): Reply<string | null, K, this>
    set(
      key: RedisKey,
      value: RedisValue,
      expiryToken: ExpiryToken,
      time: Num,
      compareToken: CompareToken,
      comparand: RedisValue,
      get: 'GET',
      callback?: Callback<string | null>,
    ): Reply<string | null, K, this>
    set(
      key: RedisKey,
      value: RedisValue,
      keepttl: 'KEEPTTL',
      compareToken: CompareToken,
      comparand: RedisValue,
      get: 'GET',
      callback?: Callback<string | null>,
    ): Reply<string | null, K, this>
    /** SET … GET with the old value as a Buffer. */
    setBuffer(
      key: RedisKey,
      value: RedisValue,
      get: 'GET',
      callback?: Callback<Buffer | null>,
    ): Reply<Buffer | null, K, this>
    setBuffer(
      key: RedisKey,
      value: RedisValue,
      expiryToken: ExpiryToken,
      time: Num,
      get: 'GET',
      callback?: Callback<Buffer | null>,
    ): Reply<Buffer | null, K, this>
    setBuffer(
      key: RedisKey,
      value: RedisValue,
      keepttl: 'KEEPTTL',
      get: 'GET',
      callback?: Callback<Buffer | null>,
    ): Reply<Buffer | null, K, this>
    setBuffer(
      key: RedisKey,
      value: RedisValue,
      condition: 'NX' | 'XX',
      get: 'GET',
      callback?: Callback<Buffer | null>,
    ): Reply<Buffer | null, K, this>
    setBuffer(
      key: RedisKey,
      value: RedisValue,
      expiryToken: ExpiryToken,
      time: Num,
      condition: 'NX' | 'XX',
      get: 'GET',
      callback?: Callback<Buffer | null>,
    ): Reply<Buffer | null, K, this>
    setBuffer(
      key: RedisKey,
      value: RedisValue,
      keepttl: 'KEEPTTL',
      condition: 'NX' | 'XX',
      get: 'GET',
      callback?: Callback<Buffer | null>,
    ): Reply<Buffer | null, K, this>
    setBuffer(
      key: RedisKey,
      value: RedisValue,
      compareToken: CompareToken,
      comparand: RedisValue,
      get: 'GET',
      callback?: Callback<Buffer | null>,
    ): Reply<Buffer | null, K, this>
    setBuffer(
      key: RedisKey,
      value: RedisValue,
      expiryToken: ExpiryToken,
      time: Num,
      compareToken: CompareToken,
      comparand: RedisValue,
      get: 'GET',
      callback?: Callback<Buffer | null>,
    ): Reply<Buffer | null, K, this>
    setBuffer(
      key: RedisKey,
      value: RedisValue,
      keepttl: 'KEEPTTL',
      compareToken: CompareToken,
      comparand: RedisValue,
      get: 'GET',
      callback?: Callback<Buffer | null>,
    ): Reply<Buffer | null, K, this>

    setbit(...args: CommandArgs): Reply<unknown, K, this>
    setbitBuffer(...args: CommandArgs): Reply<unknown, K, this>

    setex(key: RedisKey, seconds: Num, value: RedisValue, callback?: Callback<'OK'>): Reply<'OK', K, this>
    setexBuffer(...args: CommandArgs): Reply<unknown, K, this>

    /** SETNX: 1 when set, 0 when the key existed. */
    setnx(key: RedisKey, value: RedisValue, callback?: Callback<number>): Reply<number, K, this>
    setnxBuffer(...args: CommandArgs): Reply<unknown, K, this>

    setrange(key: RedisKey, offset: Num, value: RedisValue, callback?: Callback<number>): Reply<number, K, this>
    setrangeBuffer(...args: CommandArgs): Reply<unknown, K, this>

    shutdown(...args: CommandArgs): Reply<unknown, K, this>
    shutdownBuffer(...args: CommandArgs): Reply<unknown, K, this>

    sinter(...args: [...keys: RedisKey[], callback: Callback<string[]>]): Reply<string[], K, this>
    sinter(...args: [keys: readonly RedisKey[], callback: Callback<string[]>]): Reply<string[], K, this>
    sinter(...args: RedisKey[]): Reply<string[], K, this>
    sinter(keys: readonly RedisKey[]): Reply<string[], K, this>
    sinterBuffer(...args: [...keys: RedisKey[], callback: Callback<Buffer[]>]): Reply<Buffer[], K, this>
    sinterBuffer(...args: RedisKey[]): Reply<Buffer[], K, this>
    sinterBuffer(keys: readonly RedisKey[]): Reply<Buffer[], K, this>

    sintercard(...args: CommandArgs): Reply<unknown, K, this>
    sintercardBuffer(...args: CommandArgs): Reply<unknown, K, this>

    sinterstore(
      ...args: [destination: RedisKey, ...keys: RedisKey[], callback: Callback<number>]
    ): Reply<number, K, this>
    sinterstore(...args: [destination: RedisKey, ...keys: RedisKey[]]): Reply<number, K, this>
    sinterstoreBuffer(...args: CommandArgs): Reply<unknown, K, this>

    /** SISMEMBER: 1 or 0. */
    sismember(key: RedisKey, member: RedisValue, callback?: Callback<number>): Reply<number, K, this>
    sismemberBuffer(...args: CommandArgs): Reply<unknown, K, this>

    slaveof(...args: CommandArgs): Reply<unknown, K, this>
    slaveofBuffer(...args: CommandArgs): Reply<unknown, K, this>
    slowlog(...args: CommandArgs): Reply<unknown, K, this>
    slowlogBuffer(...args: CommandArgs): Reply<unknown, K, this>

    smembers(key: RedisKey, callback?: Callback<string[]>): Reply<string[], K, this>
    smembersBuffer(key: RedisKey, callback?: Callback<Buffer[]>): Reply<Buffer[], K, this>

    smismember(
      ...args: [key: RedisKey, ...members: RedisValue[], callback: Callback<number[]>]
    ): Reply<number[], K, this>
    smismember(...args: [key: RedisKey, ...members: RedisValue[]]): Reply<number[], K, this>
    smismemberBuffer(...args: CommandArgs): Reply<unknown, K, this>

    smove(
      source: RedisKey,
      destination: RedisKey,
      member: RedisValue,
      callback?: Callback<number>,
    ): Reply<number, K, this>
    smoveBuffer(...args: CommandArgs): Reply<unknown, K, this>

    sort(...args: CommandArgs): Reply<unknown, K, this>
    sortBuffer(...args: CommandArgs): Reply<unknown, K, this>
    sort_ro(...args: CommandArgs): Reply<unknown, K, this>
    sort_roBuffer(...args: CommandArgs): Reply<unknown, K, this>

    /** SPOP: one member (or `null`); with a count, an array. */
    spop(key: RedisKey, callback?: Callback<string | null>): Reply<string | null, K, this>
    spop(key: RedisKey, count: Num, callback?: Callback<string[]>): Reply<string[], K, this>
    spopBuffer(key: RedisKey, callback?: Callback<Buffer | null>): Reply<Buffer | null, K, this>
    spopBuffer(key: RedisKey, count: Num, callback?: Callback<Buffer[]>): Reply<Buffer[], K, this>

    spublish(...args: CommandArgs): Reply<unknown, K, this>
    spublishBuffer(...args: CommandArgs): Reply<unknown, K, this>

    srandmember(key: RedisKey, callback?: Callback<string | null>): Reply<string | null, K, this>
    srandmember(key: RedisKey, count: Num, callback?: Callback<string[]>): Reply<string[], K, this>
    srandmemberBuffer(key: RedisKey, callback?: Callback<Buffer | null>): Reply<Buffer | null, K, this>
    srandmemberBuffer(key: RedisKey, count: Num, callback?: Callback<Buffer[]>): Reply<Buffer[], K, this>

    srem(...args: [key: RedisKey, ...members: RedisValue[], callback: Callback<number>]): Reply<number, K, this>
    srem(...args: [key: RedisKey, members: readonly RedisValue[], callback: Callback<number>]): Reply<number, K, this>
    srem(...args: [key: RedisKey, ...members: RedisValue[]]): Reply<number, K, this>
    srem(key: RedisKey, members: readonly RedisValue[]): Reply<number, K, this>
    sremBuffer(...args: CommandArgs): Reply<unknown, K, this>

    sscan(
      key: RedisKey,
      cursor: Num,
      ...args: WithCallback<[...MatchOpt, ...CountOpt], ScanReply<string>>
    ): Reply<ScanReply<string>, K, this>
    sscanBuffer(
      key: RedisKey,
      cursor: Num,
      ...args: WithCallback<[...MatchOpt, ...CountOpt], ScanReply<Buffer>>
    ): Reply<ScanReply<Buffer>, K, this>

    ssubscribe(...args: CommandArgs): Reply<unknown, K, this>
    ssubscribeBuffer(...args: CommandArgs): Reply<unknown, K, this>

    strlen(key: RedisKey, callback?: Callback<number>): Reply<number, K, this>
    strlenBuffer(...args: CommandArgs): Reply<unknown, K, this>

    subscribe(...args: [...channels: (string | Buffer)[], callback: Callback<unknown>]): Reply<unknown, K, this>
    subscribe(...args: (string | Buffer)[]): Reply<unknown, K, this>
    subscribeBuffer(...args: CommandArgs): Reply<unknown, K, this>

    substr(...args: CommandArgs): Reply<unknown, K, this>
    substrBuffer(...args: CommandArgs): Reply<unknown, K, this>

    sunion(...args: [...keys: RedisKey[], callback: Callback<string[]>]): Reply<string[], K, this>
    sunion(...args: [keys: readonly RedisKey[], callback: Callback<string[]>]): Reply<string[], K, this>
    sunion(...args: RedisKey[]): Reply<string[], K, this>
    sunion(keys: readonly RedisKey[]): Reply<string[], K, this>
    sunionBuffer(...args: [...keys: RedisKey[], callback: Callback<Buffer[]>]): Reply<Buffer[], K, this>
    sunionBuffer(...args: RedisKey[]): Reply<Buffer[], K, this>
    sunionBuffer(keys: readonly RedisKey[]): Reply<Buffer[], K, this>

    sunioncard(...args: CommandArgs): Reply<unknown, K, this>
    sunioncardBuffer(...args: CommandArgs): Reply<unknown, K, this>

    sunionstore(
      ...args: [destination: RedisKey, ...keys: RedisKey[], callback: Callback<number>]
    ): Reply<number, K, this>
    sunionstore(...args: [destination: RedisKey, ...keys: RedisKey[]]): Reply<number, K, this>
    sunionstoreBuffer(...args: CommandArgs): Reply<unknown, K, this>

    sunsubscribe(...args: CommandArgs): Reply<unknown, K, this>
    sunsubscribeBuffer(...args: CommandArgs): Reply<unknown, K, this>
    swapdb(...args: CommandArgs): Reply<unknown, K, this>
    swapdbBuffer(...args: CommandArgs): Reply<unknown, K, this>
    sync(...args: CommandArgs): Reply<unknown, K, this>
    syncBuffer(...args: CommandArgs): Reply<unknown, K, this>
    time(...args: CommandArgs): Reply<unknown, K, this>
    timeBuffer(...args: CommandArgs): Reply<unknown, K, this>

    touch(...args: [...keys: RedisKey[], callback: Callback<number>]): Reply<number, K, this>
    touch(...args: RedisKey[]): Reply<number, K, this>
    touchBuffer(...args: CommandArgs): Reply<unknown, K, this>

    trimslots(...args: CommandArgs): Reply<unknown, K, this>
    trimslotsBuffer(...args: CommandArgs): Reply<unknown, K, this>

    /** TTL in seconds; -1 without expiry, -2 when the key does not exist. */
    ttl(key: RedisKey, callback?: Callback<number>): Reply<number, K, this>
    ttlBuffer(...args: CommandArgs): Reply<unknown, K, this>

    /** TYPE: `'none'` when the key does not exist. */
    type(
      key: RedisKey,
      callback?: Callback<string>,
    ): Reply<'none' | 'string' | 'list' | 'set' | 'zset' | 'hash' | 'stream' | 'vectorset' | (string & {}), K, this>
    typeBuffer(...args: CommandArgs): Reply<unknown, K, this>

    unlink(...args: [...keys: RedisKey[], callback: Callback<number>]): Reply<number, K, this>
    unlink(...args: [keys: readonly RedisKey[], callback: Callback<number>]): Reply<number, K, this>
    unlink(...args: RedisKey[]): Reply<number, K, this>
    unlink(keys: readonly RedisKey[]): Reply<number, K, this>
    unlinkBuffer(...args: CommandArgs): Reply<unknown, K, this>

    unsubscribe(...args: [...channels: (string | Buffer)[], callback: Callback<unknown>]): Reply<unknown, K, this>
    unsubscribe(...args: (string | Buffer)[]): Reply<unknown, K, this>
    unsubscribeBuffer(...args: CommandArgs): Reply<unknown, K, this>

    unwatch(...args: CommandArgs): Reply<unknown, K, this>
    unwatchBuffer(...args: CommandArgs): Reply<unknown, K, this>
    vadd(...args: CommandArgs): Reply<unknown, K, this>
    vaddBuffer(...args: CommandArgs): Reply<unknown, K, this>
    vcard(...args: CommandArgs): Reply<unknown, K, this>
    vcardBuffer(...args: CommandArgs): Reply<unknown, K, this>
    vdim(...args: CommandArgs): Reply<unknown, K, this>
    vdimBuffer(...args: CommandArgs): Reply<unknown, K, this>
    vemb(...args: CommandArgs): Reply<unknown, K, this>
    vembBuffer(...args: CommandArgs): Reply<unknown, K, this>
    vgetattr(...args: CommandArgs): Reply<unknown, K, this>
    vgetattrBuffer(...args: CommandArgs): Reply<unknown, K, this>
    vinfo(...args: CommandArgs): Reply<unknown, K, this>
    vinfoBuffer(...args: CommandArgs): Reply<unknown, K, this>
    vismember(...args: CommandArgs): Reply<unknown, K, this>
    vismemberBuffer(...args: CommandArgs): Reply<unknown, K, this>
    vlinks(...args: CommandArgs): Reply<unknown, K, this>
    vlinksBuffer(...args: CommandArgs): Reply<unknown, K, this>
    vrandmember(...args: CommandArgs): Reply<unknown, K, this>
    vrandmemberBuffer(...args: CommandArgs): Reply<unknown, K, this>
    vrange(...args: CommandArgs): Reply<unknown, K, this>
    vrangeBuffer(...args: CommandArgs): Reply<unknown, K, this>
    vrem(...args: CommandArgs): Reply<unknown, K, this>
    vremBuffer(...args: CommandArgs): Reply<unknown, K, this>
    vsetattr(...args: CommandArgs): Reply<unknown, K, this>
    vsetattrBuffer(...args: CommandArgs): Reply<unknown, K, this>
    vsim(...args: CommandArgs): Reply<unknown, K, this>
    vsimBuffer(...args: CommandArgs): Reply<unknown, K, this>
    wait(...args: CommandArgs): Reply<unknown, K, this>
    waitBuffer(...args: CommandArgs): Reply<unknown, K, this>
    waitaof(...args: CommandArgs): Reply<unknown, K, this>
    waitaofBuffer(...args: CommandArgs): Reply<unknown, K, this>
    watch(...args: CommandArgs): Reply<unknown, K, this>
    watchBuffer(...args: CommandArgs): Reply<unknown, K, this>

    /** XACK: how many entries were acknowledged. */
    xack(
      ...args: [key: RedisKey, group: string | Buffer, ...ids: RedisValue[], callback: Callback<number>]
    ): Reply<number, K, this>
    xack(...args: [key: RedisKey, group: string | Buffer, ...ids: RedisValue[]]): Reply<number, K, this>
    xackBuffer(...args: CommandArgs): Reply<unknown, K, this>

    xackdel(...args: CommandArgs): Reply<unknown, K, this>
    xackdelBuffer(...args: CommandArgs): Reply<unknown, K, this>

    /** XADD `key [NOMKSTREAM] [MAXLEN|MINID …] id|* field value …`: the entry id (`null` with NOMKSTREAM on a missing stream). */
    xadd(
      ...args: [key: RedisKey, ...args: RedisValue[], callback: Callback<string | null>]
    ): Reply<string | null, K, this>
    xadd(...args: [key: RedisKey, ...args: RedisValue[]]): Reply<string | null, K, this>
    xaddBuffer(
      ...args: [key: RedisKey, ...args: RedisValue[], callback: Callback<Buffer | null>]
    ): Reply<Buffer | null, K, this>
    xaddBuffer(...args: [key: RedisKey, ...args: RedisValue[]]): Reply<Buffer | null, K, this>

    /** XAUTOCLAIM: `[next start id, claimed entries (ids with JUSTID), ids of deleted entries]`. */
    xautoclaim(
      key: RedisKey,
      group: string | Buffer,
      consumer: string | Buffer,
      minIdleTime: Num,
      start: RedisValue,
      ...args: WithCallback<[...CountOpt, justid: 'JUSTID'], [next: string, ids: string[], deleted: string[]]>
    ): Reply<[next: string, ids: string[], deleted: string[]], K, this>
    xautoclaim(
      key: RedisKey,
      group: string | Buffer,
      consumer: string | Buffer,
      minIdleTime: Num,
      start: RedisValue,
      ...args: WithCallback<CountOpt, [next: string, entries: StreamEntry[], deleted: string[]]>
    ): Reply<[next: string, entries: StreamEntry[], deleted: string[]], K, this>
    xautoclaimBuffer(...args: CommandArgs): Reply<unknown, K, this>

    xcfgset(...args: CommandArgs): Reply<unknown, K, this>
    xcfgsetBuffer(...args: CommandArgs): Reply<unknown, K, this>

    /** XCLAIM: the claimed entries; with JUSTID, their ids. */
    xclaim(
      ...args: WithCallback<
        [
          key: RedisKey,
          group: string | Buffer,
          consumer: string | Buffer,
          minIdleTime: Num,
          ...idsAndOptions: RedisValue[],
          justid: 'JUSTID',
          ...Opt<[lastidToken: 'LASTID', lastid: RedisValue]>,
        ],
        string[]
      >
    ): Reply<string[], K, this>
    xclaim(
      ...args: WithCallback<
        [
          key: RedisKey,
          group: string | Buffer,
          consumer: string | Buffer,
          minIdleTime: Num,
          ...idsAndOptions: RedisValue[],
        ],
        StreamEntry[]
      >
    ): Reply<StreamEntry[], K, this>
    xclaimBuffer(...args: CommandArgs): Reply<unknown, K, this>

    xdel(...args: [key: RedisKey, ...ids: RedisValue[], callback: Callback<number>]): Reply<number, K, this>
    xdel(...args: [key: RedisKey, ...ids: RedisValue[]]): Reply<number, K, this>
    xdelBuffer(...args: CommandArgs): Reply<unknown, K, this>

    xdelex(...args: CommandArgs): Reply<unknown, K, this>
    xdelexBuffer(...args: CommandArgs): Reply<unknown, K, this>

    /** XGROUP CREATE/SETID: `'OK'`; CREATECONSUMER, DELCONSUMER, DESTROY: a count. */
    xgroup(
      subcommand: 'CREATE',
      key: RedisKey,
      group: string | Buffer,
      id: RedisValue,
      ...args: WithCallback<
        [...Opt<[mkstream: 'MKSTREAM']>, ...Opt<[entriesReadToken: 'ENTRIESREAD', entriesRead: Num]>],
        'OK'
      >
    ): Reply<'OK', K, this>
    xgroup(
      subcommand: 'SETID',
      key: RedisKey,
      group: string | Buffer,
      id: RedisValue,
      ...args: WithCallback<Opt<[entriesReadToken: 'ENTRIESREAD', entriesRead: Num]>, 'OK'>
    ): Reply<'OK', K, this>
    xgroup(
      subcommand: 'CREATECONSUMER' | 'DELCONSUMER',
      key: RedisKey,
      group: string | Buffer,
      consumer: string | Buffer,
      callback?: Callback<number>,
    ): Reply<number, K, this>
    xgroup(
      subcommand: 'DESTROY',
      key: RedisKey,
      group: string | Buffer,
      callback?: Callback<number>,
    ): Reply<number, K, this>
    xgroupBuffer(...args: CommandArgs): Reply<unknown, K, this>

    xidmprecord(...args: CommandArgs): Reply<unknown, K, this>
    xidmprecordBuffer(...args: CommandArgs): Reply<unknown, K, this>

    /** XINFO STREAM/GROUPS/CONSUMERS: Redis's flat `[name, value, …]` replies. */
    xinfo(
      subcommand: 'STREAM',
      key: RedisKey,
      ...args: WithCallback<Opt<[full: 'FULL', ...CountOpt]>, unknown[]>
    ): Reply<unknown[], K, this>
    xinfo(subcommand: 'GROUPS', key: RedisKey, callback?: Callback<unknown[]>): Reply<unknown[], K, this>
    xinfo(
      subcommand: 'CONSUMERS',
      key: RedisKey,
      group: string | Buffer,
      callback?: Callback<unknown[]>,
    ): Reply<unknown[], K, this>
    xinfo(subcommand: 'HELP', callback?: Callback<unknown>): Reply<unknown, K, this>
    xinfoBuffer(...args: CommandArgs): Reply<unknown, K, this>

    xlen(key: RedisKey, callback?: Callback<number>): Reply<number, K, this>
    xlenBuffer(...args: CommandArgs): Reply<unknown, K, this>

    xnack(...args: CommandArgs): Reply<unknown, K, this>
    xnackBuffer(...args: CommandArgs): Reply<unknown, K, this>

    /** XPENDING summary: `[count, smallest id, greatest id, [[consumer, count], …]]` (nulls when nothing is pending). */
    xpending(
      key: RedisKey,
      group: string | Buffer,
      callback?: Callback<XPendingSummary>,
    ): Reply<XPendingSummary, K, this>
    /** XPENDING extended form: `[id, consumer, idle ms, deliveries]` per pending entry. */
    xpending(
      key: RedisKey,
      group: string | Buffer,
      ...args: WithCallback<
        [
          ...Opt<[idleToken: 'IDLE', minIdleTime: Num]>,
          start: RedisValue,
          end: RedisValue,
          count: Num,
          ...Opt<[consumer: string | Buffer]>,
        ],
        XPendingEntry[]
      >
    ): Reply<XPendingEntry[], K, this>
    xpendingBuffer(...args: CommandArgs): Reply<unknown, K, this>

    /** XRANGE: `[id, [field, value, …]]` per entry. */
    xrange(
      key: RedisKey,
      start: RedisValue,
      end: RedisValue,
      callback?: Callback<StreamEntry[]>,
    ): Reply<StreamEntry[], K, this>
    xrange(
      key: RedisKey,
      start: RedisValue,
      end: RedisValue,
      countToken: 'COUNT',
      count: Num,
      callback?: Callback<StreamEntry[]>,
    ): Reply<StreamEntry[], K, this>
    xrangeBuffer(
      key: RedisKey,
      start: RedisValue,
      end: RedisValue,
      callback?: Callback<StreamEntry<Buffer>[]>,
    ): Reply<StreamEntry<Buffer>[], K, this>
    xrangeBuffer(
      key: RedisKey,
      start: RedisValue,
      end: RedisValue,
      countToken: 'COUNT',
      count: Num,
      callback?: Callback<StreamEntry<Buffer>[]>,
    ): Reply<StreamEntry<Buffer>[], K, this>

    /**
     * XREAD `[COUNT n] STREAMS key … id …`: entries per stream, or `null`. The REST API refuses
     * BLOCK (RestrictedCommandError); poll instead.
     */
    xread(
      ...args: WithCallback<[...XReadOptions, streamsToken: 'STREAMS', ...keysAndIds: RedisValue[]], XReadReply>
    ): Reply<XReadReply, K, this>
    xreadBuffer(
      ...args: WithCallback<[...XReadOptions, streamsToken: 'STREAMS', ...keysAndIds: RedisValue[]], XReadReply<Buffer>>
    ): Reply<XReadReply<Buffer>, K, this>

    /** XREADGROUP `GROUP group consumer [COUNT n] [NOACK] STREAMS key … id …` (BLOCK is refused over REST). */
    xreadgroup(
      ...args: WithCallback<
        [
          groupToken: 'GROUP',
          group: string | Buffer,
          consumer: string | Buffer,
          ...XReadOptions,
          ...Opt<[noack: 'NOACK']>,
          streamsToken: 'STREAMS',
          ...keysAndIds: RedisValue[],
        ],
        XReadGroupReply
      >
    ): Reply<XReadGroupReply, K, this>
    xreadgroupBuffer(
      ...args: WithCallback<
        [
          groupToken: 'GROUP',
          group: string | Buffer,
          consumer: string | Buffer,
          ...XReadOptions,
          ...Opt<[noack: 'NOACK']>,
          streamsToken: 'STREAMS',
          ...keysAndIds: RedisValue[],
        ],
        XReadGroupReply<Buffer>
      >
    ): Reply<XReadGroupReply<Buffer>, K, this>

    xrevrange(
      key: RedisKey,
      end: RedisValue,
      start: RedisValue,
      callback?: Callback<StreamEntry[]>,
    ): Reply<StreamEntry[], K, this>
    xrevrange(
      key: RedisKey,
      end: RedisValue,
      start: RedisValue,
      countToken: 'COUNT',
      count: Num,
      callback?: Callback<StreamEntry[]>,
    ): Reply<StreamEntry[], K, this>
    xrevrangeBuffer(
      key: RedisKey,
      end: RedisValue,
      start: RedisValue,
      callback?: Callback<StreamEntry<Buffer>[]>,
    ): Reply<StreamEntry<Buffer>[], K, this>
    xrevrangeBuffer(
      key: RedisKey,
      end: RedisValue,
      start: RedisValue,
      countToken: 'COUNT',
      count: Num,
      callback?: Callback<StreamEntry<Buffer>[]>,
    ): Reply<StreamEntry<Buffer>[], K, this>

    xsetid(...args: CommandArgs): Reply<unknown, K, this>
    xsetidBuffer(...args: CommandArgs): Reply<unknown, K, this>

    /** XTRIM `MAXLEN|MINID [=|~] threshold [LIMIT count]`: how many entries were removed. */
    xtrim(key: RedisKey, ...args: WithCallback<XTrimArgs, number>): Reply<number, K, this>
    xtrimBuffer(...args: CommandArgs): Reply<unknown, K, this>

    /**
     * ZADD `[NX | XX] [GT | LT] [CH] [INCR] score member [score member …]`: how many members were
     * added (or changed, with CH). With INCR: the new score, `null` when a condition stopped it.
     */
    zadd(
      ...args: WithCallback<[key: RedisKey, ...ZAddChanged, incr: 'INCR', increment: Num, member: RedisValue], string>
    ): Reply<string, K, this>
    zadd(
      ...args: WithCallback<
        [
          key: RedisKey,
          ...Exclude<ZAddCondition, []>,
          ...ZAddChanged,
          incr: 'INCR',
          increment: Num,
          member: RedisValue,
        ],
        string | null
      >
    ): Reply<string | null, K, this>
    zadd(
      ...args: WithCallback<
        [key: RedisKey, ...ZAddCondition, ...ZAddChanged, ...scoresAndMembers: RedisValue[]],
        number
      >
    ): Reply<number, K, this>
    zaddBuffer(
      ...args: WithCallback<
        [key: RedisKey, ...ZAddCondition, ...ZAddChanged, incr: 'INCR', increment: Num, member: RedisValue],
        Buffer | null
      >
    ): Reply<Buffer | null, K, this>

    zcard(key: RedisKey, callback?: Callback<number>): Reply<number, K, this>
    zcardBuffer(...args: CommandArgs): Reply<unknown, K, this>

    zcount(key: RedisKey, min: Num, max: Num, callback?: Callback<number>): Reply<number, K, this>
    zcountBuffer(...args: CommandArgs): Reply<unknown, K, this>

    zdiff(...args: CommandArgs): Reply<unknown, K, this>
    zdiffBuffer(...args: CommandArgs): Reply<unknown, K, this>
    zdiffstore(...args: CommandArgs): Reply<unknown, K, this>
    zdiffstoreBuffer(...args: CommandArgs): Reply<unknown, K, this>

    /** ZINCRBY: the new score. */
    zincrby(key: RedisKey, increment: Num, member: RedisValue, callback?: Callback<string>): Reply<string, K, this>
    zincrbyBuffer(
      key: RedisKey,
      increment: Num,
      member: RedisValue,
      callback?: Callback<Buffer>,
    ): Reply<Buffer, K, this>

    zinter(...args: CommandArgs): Reply<unknown, K, this>
    zinterBuffer(...args: CommandArgs): Reply<unknown, K, this>
    zintercard(...args: CommandArgs): Reply<unknown, K, this>
    zintercardBuffer(...args: CommandArgs): Reply<unknown, K, this>
    zinterstore(...args: CommandArgs): Reply<unknown, K, this>
    zinterstoreBuffer(...args: CommandArgs): Reply<unknown, K, this>
    zlexcount(...args: CommandArgs): Reply<unknown, K, this>
    zlexcountBuffer(...args: CommandArgs): Reply<unknown, K, this>
    zmpop(...args: CommandArgs): Reply<unknown, K, this>
    zmpopBuffer(...args: CommandArgs): Reply<unknown, K, this>

    zmscore(
      ...args: [key: RedisKey, ...members: RedisValue[], callback: Callback<(string | null)[]>]
    ): Reply<(string | null)[], K, this>
    zmscore(...args: [key: RedisKey, ...members: RedisValue[]]): Reply<(string | null)[], K, this>
    zmscoreBuffer(...args: CommandArgs): Reply<unknown, K, this>

    zpopmax(key: RedisKey, callback?: Callback<string[]>): Reply<string[], K, this>
    zpopmax(key: RedisKey, count: Num, callback?: Callback<string[]>): Reply<string[], K, this>
    zpopmaxBuffer(key: RedisKey, callback?: Callback<Buffer[]>): Reply<Buffer[], K, this>
    zpopmaxBuffer(key: RedisKey, count: Num, callback?: Callback<Buffer[]>): Reply<Buffer[], K, this>

    /** ZPOPMIN: `[member, score, …]` (empty when the key does not exist). */
    zpopmin(key: RedisKey, callback?: Callback<string[]>): Reply<string[], K, this>
    zpopmin(key: RedisKey, count: Num, callback?: Callback<string[]>): Reply<string[], K, this>
    zpopminBuffer(key: RedisKey, callback?: Callback<Buffer[]>): Reply<Buffer[], K, this>
    zpopminBuffer(key: RedisKey, count: Num, callback?: Callback<Buffer[]>): Reply<Buffer[], K, this>

    zrandmember(...args: CommandArgs): Reply<unknown, K, this>
    zrandmemberBuffer(...args: CommandArgs): Reply<unknown, K, this>

    /** ZRANGE `start stop [BYSCORE | BYLEX] [REV] [LIMIT offset count] [WITHSCORES]`: members (with WITHSCORES, `[member, score, …]`). */
    zrange(
      key: RedisKey,
      start: RedisValue,
      stop: RedisValue,
      ...args: WithCallback<ZRangeOptions, string[]>
    ): Reply<string[], K, this>
    zrangeBuffer(
      key: RedisKey,
      start: RedisValue,
      stop: RedisValue,
      ...args: WithCallback<ZRangeOptions, Buffer[]>
    ): Reply<Buffer[], K, this>

    zrangebylex(...args: CommandArgs): Reply<unknown, K, this>
    zrangebylexBuffer(...args: CommandArgs): Reply<unknown, K, this>

    zrangebyscore(
      key: RedisKey,
      min: Num,
      max: Num,
      ...args: WithCallback<ZRangeByScoreOptions, string[]>
    ): Reply<string[], K, this>
    zrangebyscoreBuffer(
      key: RedisKey,
      min: Num,
      max: Num,
      ...args: WithCallback<ZRangeByScoreOptions, Buffer[]>
    ): Reply<Buffer[], K, this>

    zrangestore(...args: CommandArgs): Reply<unknown, K, this>
    zrangestoreBuffer(...args: CommandArgs): Reply<unknown, K, this>

    /** ZRANK: the 0-based rank, or `null` when not a member; with WITHSCORE, `[rank, score]`. */
    zrank(key: RedisKey, member: RedisValue, callback?: Callback<number | null>): Reply<number | null, K, this>
    zrank(
      key: RedisKey,
      member: RedisValue,
      withscore: 'WITHSCORE',
      callback?: Callback<[rank: number, score: string] | null>,
    ): Reply<[rank: number, score: string] | null, K, this>
    zrankBuffer(...args: CommandArgs): Reply<unknown, K, this>

    zrem(...args: [key: RedisKey, ...members: RedisValue[], callback: Callback<number>]): Reply<number, K, this>
    zrem(...args: [key: RedisKey, members: readonly RedisValue[], callback: Callback<number>]): Reply<number, K, this>
    zrem(...args: [key: RedisKey, ...members: RedisValue[]]): Reply<number, K, this>
    zrem(key: RedisKey, members: readonly RedisValue[]): Reply<number, K, this>
    zremBuffer(...args: CommandArgs): Reply<unknown, K, this>

    zremrangebylex(...args: CommandArgs): Reply<unknown, K, this>
    zremrangebylexBuffer(...args: CommandArgs): Reply<unknown, K, this>

    zremrangebyrank(key: RedisKey, start: Num, stop: Num, callback?: Callback<number>): Reply<number, K, this>
    zremrangebyrankBuffer(...args: CommandArgs): Reply<unknown, K, this>

    zremrangebyscore(key: RedisKey, min: Num, max: Num, callback?: Callback<number>): Reply<number, K, this>
    zremrangebyscoreBuffer(...args: CommandArgs): Reply<unknown, K, this>

    zrevrange(
      key: RedisKey,
      start: Num,
      stop: Num,
      ...args: WithCallback<Opt<[withscores: 'WITHSCORES']>, string[]>
    ): Reply<string[], K, this>
    zrevrangeBuffer(
      key: RedisKey,
      start: Num,
      stop: Num,
      ...args: WithCallback<Opt<[withscores: 'WITHSCORES']>, Buffer[]>
    ): Reply<Buffer[], K, this>

    zrevrangebylex(...args: CommandArgs): Reply<unknown, K, this>
    zrevrangebylexBuffer(...args: CommandArgs): Reply<unknown, K, this>

    zrevrangebyscore(
      key: RedisKey,
      max: Num,
      min: Num,
      ...args: WithCallback<ZRangeByScoreOptions, string[]>
    ): Reply<string[], K, this>
    zrevrangebyscoreBuffer(
      key: RedisKey,
      max: Num,
      min: Num,
      ...args: WithCallback<ZRangeByScoreOptions, Buffer[]>
    ): Reply<Buffer[], K, this>

    zrevrank(key: RedisKey, member: RedisValue, callback?: Callback<number | null>): Reply<number | null, K, this>
    zrevrank(
      key: RedisKey,
      member: RedisValue,
      withscore: 'WITHSCORE',
      callback?: Callback<[rank: number, score: string] | null>,
    ): Reply<[rank: number, score: string] | null, K, this>
    zrevrankBuffer(...args: CommandArgs): Reply<unknown, K, this>

    /** ZSCAN: the next cursor and `[member, score, …]`. */
    zscan(
      key: RedisKey,
      cursor: Num,
      ...args: WithCallback<[...MatchOpt, ...CountOpt], ScanReply<string>>
    ): Reply<ScanReply<string>, K, this>
    zscanBuffer(
      key: RedisKey,
      cursor: Num,
      ...args: WithCallback<[...MatchOpt, ...CountOpt], ScanReply<Buffer>>
    ): Reply<ScanReply<Buffer>, K, this>

    /** ZSCORE: the score as Redis prints it, or `null`. */
    zscore(key: RedisKey, member: RedisValue, callback?: Callback<string | null>): Reply<string | null, K, this>
    zscoreBuffer(key: RedisKey, member: RedisValue, callback?: Callback<Buffer | null>): Reply<Buffer | null, K, this>

    zunion(...args: CommandArgs): Reply<unknown, K, this>
    zunionBuffer(...args: CommandArgs): Reply<unknown, K, this>
    zunionstore(...args: CommandArgs): Reply<unknown, K, this>
    zunionstoreBuffer(...args: CommandArgs): Reply<unknown, K, this>
    // End of generated commands.
  }

  /** XPENDING's summary form. */
  type XPendingSummary = [
    count: number,
    smallestId: string | null,
    greatestId: string | null,
    consumers: [name: string, count: string][] | null,
  ]
  /** One entry of XPENDING's extended form. */
  type XPendingEntry = [id: string, consumer: string, idleMilliseconds: number, deliveries: number]

  /** What pipeline() and multi() return: every command queues and returns the pipeline. */
  interface ChainableCommander extends RedisCommander<'pipeline'> {
    /** How many commands are queued. */
    readonly length: number
    /**
     * Sends the queued commands. Pipeline: resolves to `[error, result]` per command (a failed
     * command does not fail the others). Multi: one MULTI…EXEC (`/multi-exec`) request; rejects
     * when a command could not be queued (e.g. EXECABORT), else `[error, result]` per command.
     */
    exec(callback?: Callback<ExecResult>): Promise<ExecResult>
    /**
     * On a pipeline: opens an inline transaction; the commands up to the next exec() run as one
     * MULTI…EXEC, in order with the others. Their slots read `'OK'`, `'QUEUED'`…, then the EXEC results.
     */
    multi(): this
    /** Queues `[['set', 'k', 'v'], ['get', 'k']]` (the batch form pipeline() takes). */
    addBatch(commands: ReadonlyArray<readonly [command: string, ...args: RedisArg[]]>): this
    /** Queues any command by name: `call('GET', 'k')`, `call('GET', ['k'])` or `call(['GET', 'k'])`. */
    call(command: string, callback?: Callback<unknown>): this
    call(command: string, args: readonly RedisValue[], callback?: Callback<unknown>): this
    call(commandAndArgs: readonly [command: string, ...args: RedisValue[]], callback?: Callback<unknown>): this
    call(...args: [command: string, ...args: RedisArg[], callback: Callback<unknown>]): this
    call(...args: [command: string, ...args: RedisArg[]]): this
    /** call() with bulk replies as Buffers. */
    callBuffer(command: string, callback?: Callback<unknown>): this
    callBuffer(command: string, args: readonly RedisValue[], callback?: Callback<unknown>): this
    callBuffer(commandAndArgs: readonly [command: string, ...args: RedisValue[]], callback?: Callback<unknown>): this
    callBuffer(...args: [command: string, ...args: RedisArg[], callback: Callback<unknown>]): this
    callBuffer(...args: [command: string, ...args: RedisArg[]]): this
    /** @deprecated use call() */
    send_command(...args: [command: string, ...args: RedisArg[]]): this
  }

  /** The class behind pipeline() and multi(); create them through the client. */
  class Pipeline {
    private constructor()
    /** The client the commands are sent through. */
    readonly redis: RedisInstance
    /** The client's options. */
    readonly options: ResolvedRedisOptions
    /** `true` for multi(): one atomic `/multi-exec` request. */
    readonly isMulti: boolean
  }
  interface Pipeline extends ChainableCommander {}

  /** Readable (object mode) that emits one array of keys (or fields/members) per SCAN page. */
  class ScanStream<T extends string | Buffer = string> extends Readable {
    private constructor()
    /** Stops after the page in flight. */
    close(): void
    on(event: 'data', listener: (items: T[]) => void): this
    on(event: 'error', listener: (err: Error) => void): this
    on(event: 'end' | 'close', listener: () => void): this
    on(event: string | symbol, listener: (...args: any[]) => void): this
    once(event: 'data', listener: (items: T[]) => void): this
    once(event: 'error', listener: (err: Error) => void): this
    once(event: 'end' | 'close', listener: () => void): this
    once(event: string | symbol, listener: (...args: any[]) => void): this
    /** Iterates the pages: `for await (const keys of redis.scanStream()) …`. */
    [Symbol.asyncIterator](): PageIterator<T[]>
  }

  /** The `command` attached to ReplyError and TransportError: name and arguments as sent (after keyPrefix). */
  interface ErrorCommand {
    name: string
    args: (string | Buffer)[]
  }

  /** The base of every error the client produces (bad arguments are `TypeError`s, as in ioredis). */
  class RedisError extends Error {
    constructor(message: string)
    code?: string
  }

  /** A Redis error reply (WRONGTYPE, NOSCRIPT, EXECABORT…); `message` is Redis's own text. */
  class ReplyError extends RedisError {
    constructor(message: string, command?: ErrorCommand)
    name: 'ReplyError'
    command?: ErrorCommand
  }

  /**
   * Every `code` the package reports (`EHTTP_<status>` for other HTTP errors); the list is
   * `Redis.errorCodes`, from the native core. `ETIMEDOUT`: timed out before it was sent, never
   * sent; `ETIMEDOUT_MAYBE_APPLIED`: timed out after it was sent, it may have run.
   */
  type TransportErrorCode =
    | 'ERR_INVALID_CONFIG'
    | 'ERR_MISSING_CONFIG'
    | 'ECONNREFUSED'
    | 'ECONNECT'
    | 'ECONNRESET'
    | 'ETLS'
    | 'ETIMEDOUT'
    | 'ETIMEDOUT_MAYBE_APPLIED'
    | 'EUNAUTHORIZED'
    | 'EPROTOCOL'
    | 'ECLOSED'
    | 'EQUEUEFULL'
    | 'ERR_REST_UNSUPPORTED'
    | 'EINTERNAL'
    | `EHTTP_${number}`

  /** Every code of `TransportErrorCode` but `EHTTP_<status>`, as the native core lists them. */
  const errorCodes: readonly TransportErrorCode[]

  /** The error of that class that a `code` stands for (what the client itself uses). */
  function errorFromCode(code: TransportErrorCode, message: string): RedisError

  /** A request that got no Redis reply: the endpoint was unreachable, too slow, refused the token… */
  class TransportError extends RedisError {
    constructor(code: TransportErrorCode, message: string)
    name: 'TransportError' | 'TimeoutError' | 'QueueFullError'
    code: TransportErrorCode
    command?: ErrorCommand
  }

  /**
   * No answer in time (commandTimeout, or the transport's request timeout). `ETIMEDOUT`: the command
   * was never sent and never will be, so retrying is safe; `ETIMEDOUT_MAYBE_APPLIED`: it had been
   * sent and may have run.
   */
  class TimeoutError extends TransportError {
    name: 'TimeoutError'
    code: 'ETIMEDOUT' | 'ETIMEDOUT_MAYBE_APPLIED'
  }

  /** Refused at once and never sent: `maxQueuedCommands` commands already wait to be sent. */
  class QueueFullError extends TransportError {
    constructor(message: string)
    name: 'QueueFullError'
    code: 'EQUEUEFULL'
  }

  /** The client was closed (quit()/disconnect()); message "Connection is closed." as in ioredis. */
  class ClosedError extends RedisError {
    constructor()
    name: 'ClosedError'
    code: 'ECLOSED'
  }

  /** A command the REST API cannot run (blocking, connection state…); rejected before sending. */
  class RestrictedCommandError extends RedisError {
    constructor(message: string)
    name: 'RestrictedCommandError'
    code: 'ERR_REST_UNSUPPORTED'
  }

  /**
   * A configuration that cannot work (thrown by the constructor: `ERR_INVALID_CONFIG`), or none at
   * all (no URL/token: every command rejects with `ERR_MISSING_CONFIG`).
   */
  class ConfigError extends RedisError {
    constructor(message: string, code?: 'ERR_INVALID_CONFIG' | 'ERR_MISSING_CONFIG')
    name: 'ConfigError'
    code: 'ERR_INVALID_CONFIG' | 'ERR_MISSING_CONFIG'
  }

  /** A bug in the native code, reported as an error instead of crashing the process. */
  class InternalError extends RedisError {
    constructor(message: string)
    name: 'InternalError'
    code: 'EINTERNAL'
  }

  /** The client class itself (`import { Redis } from …`). */
  const Redis: RedisClass
  type Redis = RedisInstance
}

/**
 * An ioredis-shaped client over the Upstash REST API.
 *
 * ```ts
 * const redis = new Redis() // UPSTASH_REDIS_REST_URL / UPSTASH_REDIS_REST_TOKEN
 * await redis.set('greeting', 'hello', 'EX', 60)
 * const value = await redis.get('greeting') // string | null
 * ```
 */
declare class Redis extends EventEmitter {
  /** url and token from UPSTASH_REDIS_REST_URL / UPSTASH_REDIS_REST_TOKEN (or KV_REST_API_URL / KV_REST_API_TOKEN). */
  constructor()
  constructor(url: string, options?: Redis.RedisOptions)
  constructor(options: Redis.RedisOptions)

  /** A client configured from the environment only (`url`/`token` in options are ignored). */
  static fromEnv(options?: Omit<Redis.RedisOptions, 'url' | 'token'>): Redis
  /** `new Redis(…)`, for node-redis style code. */
  static createClient(): Redis
  static createClient(url: string, options?: Redis.RedisOptions): Redis
  static createClient(options: Redis.RedisOptions): Redis
  /** The class itself, for `require('@fragment/redis-native').default`. */
  static readonly default: RedisClass

  /** The options in effect (defaults applied, url and token resolved). */
  options: Redis.ResolvedRedisOptions
  status: Redis.RedisStatus
  /** Always `'normal'`: REST is stateless, so no command is off-limits. */
  readonly mode: 'normal' | 'subscriber' | 'monitor'
  /**
   * The last `upstash-sync-token` this client received (`''` before any). Assign it to another
   * client to make that client's reads see this one's writes. Setting a value that cannot be an
   * HTTP header (not a string, or not printable ASCII) throws a TypeError.
   */
  readYourWritesSyncToken: string

  /** Sets up the transport (REST needs no handshake) and walks the statuses to `'ready'`. */
  connect(callback?: Redis.Callback<void>): Promise<void>
  /** Waits for every pending command, then closes; resolves `'OK'`. */
  quit(callback?: Redis.Callback<'OK'>): Promise<'OK'>
  /**
   * Closes now; pending commands reject with "Connection is closed.". `reconnect`: open a fresh
   * transport at once (no `'end'`; commands issued meanwhile go to it) and subscribe again.
   */
  disconnect(reconnect?: boolean): void
  /** @deprecated use disconnect() */
  end(): void
  /** A new client with the same options (and any overrides). */
  duplicate(override?: Redis.RedisOptions): Redis

  /** Any command by name: `call('GET', 'k')`, `call('GET', ['k'])` or `call(['GET', 'k'])`. */
  call(command: string, callback?: Redis.Callback<unknown>): Promise<unknown>
  call(command: string, args: readonly Redis.RedisValue[], callback?: Redis.Callback<unknown>): Promise<unknown>
  call(
    commandAndArgs: readonly [command: string, ...args: Redis.RedisValue[]],
    callback?: Redis.Callback<unknown>,
  ): Promise<unknown>
  call(...args: [command: string, ...args: Redis.RedisArg[], callback: Redis.Callback<unknown>]): Promise<unknown>
  call(...args: [command: string, ...args: Redis.RedisArg[]]): Promise<unknown>
  /** call() with bulk replies as Buffers. */
  callBuffer(command: string, callback?: Redis.Callback<unknown>): Promise<unknown>
  callBuffer(command: string, args: readonly Redis.RedisValue[], callback?: Redis.Callback<unknown>): Promise<unknown>
  callBuffer(
    commandAndArgs: readonly [command: string, ...args: Redis.RedisValue[]],
    callback?: Redis.Callback<unknown>,
  ): Promise<unknown>
  callBuffer(...args: [command: string, ...args: Redis.RedisArg[], callback: Redis.Callback<unknown>]): Promise<unknown>
  callBuffer(...args: [command: string, ...args: Redis.RedisArg[]]): Promise<unknown>
  /** @deprecated use call() */
  send_command(...args: [command: string, ...args: Redis.RedisArg[]]): Promise<unknown>

  /**
   * Queues commands and sends them with exec(). They ride the client's ordered auto-pipeline;
   * the batch form takes `[['set', 'k', 'v'], ['get', 'k']]`.
   */
  pipeline(commands?: ReadonlyArray<readonly [command: string, ...args: Redis.RedisArg[]]>): Redis.Pipeline
  /** A MULTI…EXEC transaction, sent as one `/multi-exec` request by exec(). */
  multi(commands?: ReadonlyArray<readonly [command: string, ...args: Redis.RedisArg[]]>): Redis.Pipeline
  /**
   * ioredis's manual transaction: every command this client issues until exec() resolves
   * `'QUEUED'`; exec() sends them as one `/multi-exec` request, discard() drops them.
   */
  multi(options: { pipeline: false }): Promise<'OK'>
  multi(commands: null | undefined, options: { pipeline: false }): Promise<'OK'>
  /**
   * Ends the manual transaction (`multi({ pipeline: false })`): EXEC's results as `[err, result]`
   * pairs, each as Redis replied (no reply transformer). Without one: `ERR EXEC without MULTI`.
   */
  exec(
    callback?: Redis.Callback<Array<[error: Error | null, result?: unknown]>>,
  ): Promise<Array<[error: Error | null, result?: unknown]>>
  /** exec() with EXEC's array as it is: bulk replies as Buffers, errors in place. */
  execBuffer(callback?: Redis.Callback<unknown[]>): Promise<unknown[]>

  /**
   * Adds `redis[name](...keys, ...args)` and `redis[name + 'Buffer']` running `lua`, sent with each
   * call as EVAL (so a SCRIPT FLUSH can never make it run after the commands issued next). Without
   * `numberOfKeys` the first argument gives it. Type the new method by merging into `RedisCommander`.
   */
  defineCommand(name: string, definition: Redis.ScriptDefinition): void
  /**
   * Adds `redis[name](...args)` and `redis[name + 'Buffer']` for a command the built-in table does not
   * know (a module's, a newer server's); pipelines made from this client get it too.
   */
  addBuiltinCommand(name: string): void

  /** Every key, one SCAN page per `data` event. */
  scanStream(options?: Redis.ScanStreamOptions): Redis.ScanStream<string>
  scanBufferStream(options?: Redis.ScanStreamOptions): Redis.ScanStream<Buffer>
  /** Every `[field, value, …]` of a hash (fields only with `noValues`), one HSCAN page per event. */
  hscanStream(key: Redis.RedisKey, options?: Redis.ScanStreamOptions): Redis.ScanStream<string>
  hscanBufferStream(key: Redis.RedisKey, options?: Redis.ScanStreamOptions): Redis.ScanStream<Buffer>
  /** Every member of a set, one SSCAN page per event. */
  sscanStream(key: Redis.RedisKey, options?: Redis.ScanStreamOptions): Redis.ScanStream<string>
  sscanBufferStream(key: Redis.RedisKey, options?: Redis.ScanStreamOptions): Redis.ScanStream<Buffer>
  /** Every `[member, score, …]` of a sorted set, one ZSCAN page per event. */
  zscanStream(key: Redis.RedisKey, options?: Redis.ScanStreamOptions): Redis.ScanStream<string>
  zscanBufferStream(key: Redis.RedisKey, options?: Redis.ScanStreamOptions): Redis.ScanStream<Buffer>

  on(event: 'ready' | 'connect' | 'connecting' | 'close' | 'end', listener: () => void): this
  on(event: 'error', listener: (err: Error) => void): this
  on(event: 'reconnecting', listener: (ms: number) => void): this
  on(event: 'message', listener: (channel: string, message: string) => void): this
  on(event: 'messageBuffer', listener: (channel: Buffer, message: Buffer) => void): this
  on(event: 'pmessage', listener: (pattern: string, channel: string, message: string) => void): this
  on(event: 'pmessageBuffer', listener: (pattern: string, channel: Buffer, message: Buffer) => void): this
  on<E extends string | symbol>(event: E, listener: OtherEventListener<E>): this
  once<E extends keyof Redis.RedisEvents>(event: E, listener: Redis.RedisEvents[E]): this
  once<E extends string | symbol>(event: E, listener: OtherEventListener<E>): this
  addListener<E extends keyof Redis.RedisEvents>(event: E, listener: Redis.RedisEvents[E]): this
  addListener<E extends string | symbol>(event: E, listener: OtherEventListener<E>): this
  prependListener<E extends keyof Redis.RedisEvents>(event: E, listener: Redis.RedisEvents[E]): this
  prependListener<E extends string | symbol>(event: E, listener: OtherEventListener<E>): this
  prependOnceListener<E extends keyof Redis.RedisEvents>(event: E, listener: Redis.RedisEvents[E]): this
  prependOnceListener<E extends string | symbol>(event: E, listener: OtherEventListener<E>): this
  off<E extends keyof Redis.RedisEvents>(event: E, listener: Redis.RedisEvents[E]): this
  off<E extends string | symbol>(event: E, listener: OtherEventListener<E>): this
  removeListener<E extends keyof Redis.RedisEvents>(event: E, listener: Redis.RedisEvents[E]): this
  removeListener<E extends string | symbol>(event: E, listener: OtherEventListener<E>): this
}

/** Listener of an event the client does not emit itself; the known events must use their own signature. */
type OtherEventListener<E> = E extends keyof Redis.RedisEvents ? never : (...args: any[]) => void

interface Redis extends Redis.RedisCommander<'promise'> {}

export = Redis
