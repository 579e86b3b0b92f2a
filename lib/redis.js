'use strict'
// The ioredis-shaped client.
const { EventEmitter } = require('node:events')

const native = require('./native.js')
const commandTable = require('./commands.js')
const { resolveOptions, nativeOptions, dispatchOptions, missingConfiguration, isHeaderValue } = require('./options.js')
const { Dispatcher, Entry } = require('./dispatcher.js')
const { normalizeArgs, encodeCommand, pathSegmentProblem } = require('./arguments.js')
const { ReplyError, RestrictedCommandError, connectionClosed, fromNative } = require('./errors.js')
const { withCallback, splitCallback } = require('./callback.js')
const { ScanStream } = require('./scan-stream.js')
const { Pipeline } = require('./pipeline.js')
const { Subscriptions } = require('./pubsub/subscriptions.js')
const { resp3Mapper } = require('./reply-mapping.js')
const { installCommands, installScript, installBuiltin } = require('./commander.js')

class Redis extends EventEmitter {
  /**
   * `new Redis()`, `new Redis(url)`, `new Redis(url, options)`, `new Redis(options)`; url and token
   * default to UPSTASH_REDIS_REST_URL / UPSTASH_REDIS_REST_TOKEN (or KV_REST_API_URL / KV_REST_API_TOKEN).
   * An invalid option or URL throws here; a missing url or token does not (a build step may load
   * this module without secrets): the client stays in status 'wait' and every command rejects
   * with an ERR_MISSING_CONFIG error naming the variables.
   */
  constructor(...args) {
    super()
    this.options = resolveOptions(args)
    this.status = 'wait'
    this._dispatcher = null
    this._connectError = undefined // why the last connect() failed, for the commands that follow
    this._closing = false
    this._scripts = new Map()
    this._builtins = new Set()
    this._manualTransaction = undefined // the open multi({ pipeline: false }), a Pipeline
    for (const [name, definition] of Object.entries(this.options.scripts ?? {})) this.defineCommand(name, definition)
    if (!this.options.lazyConnect && !missingConfiguration(this.options)) {
      // Built now, so a configuration that cannot work throws here rather than failing every command.
      this._pendingDispatcher = this._createDispatcher()
      this.connect().catch(() => {})
    }
  }

  /** A client configured from the environment only. */
  static fromEnv(options) {
    return new Redis({ ...options, url: undefined, token: undefined })
  }

  static createClient(...args) {
    return new Redis(...args)
  }

  /** Always 'normal': REST is stateless, so no command is off-limits while subscribed. */
  get mode() {
    return 'normal'
  }

  /** The last `upstash-sync-token`; give it to another client to read this one's writes. */
  get readYourWritesSyncToken() {
    return this._dispatcher ? this._dispatcher.native.syncToken : ''
  }

  /**
   * Checked here, because the token goes into a header of every later request: a value that
   * cannot would make each of them fail to build.
   */
  set readYourWritesSyncToken(token) {
    if (typeof token !== 'string') {
      throw new TypeError(`readYourWritesSyncToken must be a string (another client's token), got ${typeof token}`)
    }
    if (!isHeaderValue(token)) {
      throw new TypeError(
        'readYourWritesSyncToken must be printable ASCII (an HTTP header value), as read from another ' +
          "client's readYourWritesSyncToken; this value has other characters",
      )
    }
    this._usable()
    try {
      this._dispatcher.native.syncToken = token
    } catch (thrown) {
      throw fromNative(thrown)
    }
  }

  /** Connects a client still in 'wait'; throws why it cannot be used, if it cannot. */
  _usable() {
    if (this.status === 'wait') this.connect().catch(() => {})
    if (this._dispatcher && !this._closing) return
    throw this._unusable()
  }

  /** Why commands cannot be sent: the configuration's problem if connecting failed, else closed. */
  _unusable() {
    return (!this._dispatcher && (missingConfiguration(this.options) ?? this._connectError)) || connectionClosed()
  }

  /** REST needs no handshake: this sets up the native client and walks the ioredis statuses. */
  connect(callback) {
    // 'reconnecting': disconnect(true) is bringing the client back (and its subscriptions); a second
    // native client here would take over and drop them.
    if (['reconnecting', 'connecting', 'connect', 'ready'].includes(this.status)) {
      return withCallback(Promise.reject(new Error('Redis is already connecting/connected')), callback)
    }
    let dispatcher = this._pendingDispatcher
    this._pendingDispatcher = undefined
    try {
      dispatcher = dispatcher ?? this._createDispatcher()
    } catch (error) {
      this._connectError = error
      return withCallback(Promise.reject(error), callback)
    }
    this._connectError = undefined
    this._dispatcher = dispatcher
    this._closing = false
    this._setStatus('connecting')
    const ready = new Promise((resolve) =>
      process.nextTick(() => {
        // Replaced meanwhile (disconnect(true) walks the statuses for its own client).
        if (this._dispatcher !== dispatcher) return resolve()
        this._setStatus('connect')
        this._setStatus('ready')
        resolve()
      }),
    )
    return withCallback(ready, callback)
  }

  /** The native client; throws when the configuration cannot work (bad URL, unusable token). */
  _createDispatcher() {
    const missing = missingConfiguration(this.options)
    if (missing) throw missing
    const transport = nativeOptions(this.options)
    return new Dispatcher((onResults) => new native.NativeClient(transport, onResults), {
      ...dispatchOptions(this.options),
      onTransportError: (error) => this._emitError(error),
      onEvents: (events) => this._subscriptions?.deliver(events),
    })
  }

  /**
   * Subscribes to channels; resolves with this client's number of subscriptions once the server has
   * confirmed every new one. Messages arrive as 'message' / 'messageBuffer' events. Unlike ioredis
   * over RESP2, ordinary commands keep working on a subscribed client (REST is stateless).
   */
  subscribe(...args) {
    return this._subscription('add', 'channel', args)
  }

  psubscribe(...args) {
    return this._subscription('add', 'pattern', args)
  }

  /** Without arguments: every channel. Resolves with the number of subscriptions left. */
  unsubscribe(...args) {
    return this._subscription('remove', 'channel', args)
  }

  punsubscribe(...args) {
    return this._subscription('remove', 'pattern', args)
  }

  _subscription(operation, kind, rawArgs) {
    const [args, callback] = splitCallback(rawArgs)
    let result
    try {
      this._usable()
      this._subscriptions ??= new Subscriptions(this, () => this._dispatcher.native)
      const names = args.flat().map((name) => (Buffer.isBuffer(name) ? name : Buffer.from(String(name))))
      const verb = kind === 'channel' ? 'subscribe' : 'psubscribe'
      if (operation === 'add' && names.length === 0) {
        throw new ReplyError(`ERR wrong number of arguments for '${verb}' command`)
      }
      // Each name is the last segment of the stream's URL (/subscribe/<channel>); refused before
      // anything opens if that path would lose it.
      for (const name of operation === 'add' ? names : []) {
        const problem = pathSegmentProblem(name)
        if (problem) {
          throw new TypeError(
            `${verb}: the ${kind} is ${problem}. The REST API opens a ${kind} as the URL /${verb}/<${kind}>, ` +
              `so this ${kind} cannot be subscribed to over REST; use another name`,
          )
        }
      }
      if (operation === 'add') result = this._subscriptions.add(kind, names)
      else {
        // Answered after the subscribe calls before it, as ioredis's acks arrive in order.
        const left = this._subscriptions.remove(kind, names)
        result = Promise.resolve(this._subscriptions.lastAdd).then(() => left)
      }
    } catch (error) {
      result = Promise.reject(error)
    }
    return withCallback(result, callback)
  }

  /**
   * Waits for every pending command, then closes; resolves 'OK'. As in ioredis, the reply comes
   * first and 'close'/'end' follow on a later turn (there, when the socket closes), so a quit
   * callback or `.then` still sees the client's last status.
   */
  quit(callback) {
    const done = (async () => {
      if (this.status === 'end' || !this._dispatcher) {
        this._end()
        return 'OK'
      }
      this._closing = true
      await this._dispatcher.idle()
      this._dispatcher.close()
      setImmediate(() => this._end())
      return 'OK'
    })()
    return withCallback(done, callback)
  }

  /**
   * Closes now; pending commands reject with "Connection is closed.". `reconnect` opens a fresh
   * client at once, as ioredis reconnects: 'close', 'reconnecting', 'connecting', 'connect',
   * 'ready' (never 'end'), commands issued meanwhile go to the new client, and every channel and
   * pattern is subscribed again (ioredis's autoResubscribe).
   */
  disconnect(reconnect = false) {
    // An ended client stays ended (ioredis: nothing left to reconnect).
    if (!reconnect || this.status === 'end') {
      if (this._dispatcher) this._dispatcher.close({ abandon: true })
      this._end()
      return
    }
    const resubscribe = this._subscriptions?.detach() ?? []
    this._dispatcher?.close({ abandon: true })
    this._subscriptions = undefined
    let next
    try {
      next = this._pendingDispatcher ?? this._createDispatcher()
    } catch (error) {
      // Only a lazyConnect client gets here with options never tried: it cannot come back.
      this._emitError(error)
      this._end()
      return
    }
    this._pendingDispatcher = undefined
    this._dispatcher = next
    this._closing = false
    this.status = 'reconnecting'
    process.nextTick(() => {
      // quit()/disconnect() meanwhile: they end the client (and emit 'close' themselves).
      if (this._dispatcher !== next || this._closing) return
      // 'close' without the status: the client is already usable again, and a command issued from
      // the handler goes to the new client (ioredis queues it until it is reconnected).
      this.emit('close')
      this._setStatus('reconnecting', 0)
      this._setStatus('connecting')
      this._setStatus('connect')
      this._setStatus('ready')
      if (resubscribe.length > 0) {
        this._subscriptions ??= new Subscriptions(this, () => this._dispatcher.native)
        this._subscriptions.restore(resubscribe).catch((error) => this._emitError(error))
      }
    })
  }

  end() {
    this.disconnect()
  }

  /** A new client with the same options (and any overrides). */
  duplicate(override) {
    return new Redis({ ...this.options, token: this.options.token, ...override })
  }

  /**
   * A command from the Commander's methods: sent now, its promise returned (and the callback fed).
   * While a manual transaction is open (`multi({ pipeline: false })`) it joins that instead.
   */
  _issue(name, args, asBuffer, callback) {
    const lower = name.toLowerCase()
    if (lower === 'exec') return withCallback(this._execManualTransaction(asBuffer), callback)
    if (lower === 'discard') return withCallback(this._discardManualTransaction(), callback)
    if (this._manualTransaction) return withCallback(this._queueInManualTransaction(name, args, asBuffer), callback)
    return withCallback(this._command(name, args, asBuffer), callback)
  }

  _issueError(error, callback) {
    return withCallback(Promise.reject(error), callback)
  }

  pipeline(commands) {
    return new Pipeline(this, { multi: false }, commands)
  }

  /**
   * A MULTI…EXEC transaction sent as one /multi-exec request. `multi({ pipeline: false })` is
   * ioredis's manual form: it resolves 'OK', every command this client issues until exec() joins
   * the transaction and resolves 'QUEUED', exec() sends them as one /multi-exec request and
   * resolves EXEC's `[[err, result], …]`, discard() drops them. (Over one socket ioredis gets this
   * from the server's MULTI state; REST has no such state, so the client holds the queue.)
   */
  multi(commands, options) {
    if (options === undefined && !Array.isArray(commands)) [options, commands] = [commands, undefined]
    if (options?.pipeline === false) {
      if (this._manualTransaction) return Promise.reject(new ReplyError('ERR MULTI calls can not be nested'))
      this._manualTransaction = new Pipeline(this, { multi: true })
      return Promise.resolve('OK')
    }
    return new Pipeline(this, { multi: true }, Array.isArray(commands) ? commands : undefined)
  }

  /** Queues a command in the manual transaction: 'QUEUED', or its error if it cannot be built. */
  _queueInManualTransaction(name, args, asBuffer) {
    const transaction = this._manualTransaction
    transaction._issue(name, args, asBuffer)
    const { error } = transaction.queued[transaction.queued.length - 1]
    if (error) return Promise.reject(error)
    return Promise.resolve(asBuffer ? Buffer.from('QUEUED') : 'QUEUED')
  }

  /**
   * EXEC: Redis's answers without a transaction, else the queued commands sent as one. As in
   * ioredis, the results are EXEC's reply as it is — no command's reply transformer (hgetall
   * stays a flat array), strings unless execBuffer() — since each command was already answered
   * 'QUEUED'. exec() pairs each result as [err, result]; execBuffer() gives EXEC's array.
   */
  _execManualTransaction(asBuffer) {
    const transaction = this._manualTransaction
    if (!transaction) return Promise.reject(new ReplyError('ERR EXEC without MULTI'))
    this._manualTransaction = undefined
    // A command that could not be queued discards the transaction, as a queue-time error does in Redis.
    if (transaction.queued.some((item) => item.error)) {
      return Promise.reject(new ReplyError('EXECABORT Transaction discarded because of previous errors.'))
    }
    for (const item of transaction.queued) Object.assign(item, { transform: undefined, asBuffer })
    // exec() pairs each result as [err, result]; execBuffer() gives EXEC's array, errors in place.
    const results = transaction.exec()
    return asBuffer ? results.then((slots) => slots.map(([error, value]) => error ?? value)) : results
  }

  _discardManualTransaction() {
    if (!this._manualTransaction) return Promise.reject(new ReplyError('ERR DISCARD without MULTI'))
    this._manualTransaction = undefined
    return Promise.resolve('OK')
  }

  /**
   * Adds `redis[name](...keys, ...args)` running `lua`; without `numberOfKeys`, the first argument
   * gives it. The script is sent with every call (EVAL, which Redis caches by SHA like EVALSHA), not
   * as EVALSHA with a NOSCRIPT → EVAL retry: that retry would leave after the commands issued next,
   * so after a SCRIPT FLUSH or a failover `Promise.all([redis.myCmd(k), redis.get(k)])` could read
   * the value from before the script ran.
   */
  defineCommand(name, { lua, numberOfKeys, readOnly = false } = {}) {
    if (typeof lua !== 'string') throw new TypeError(`defineCommand(${name}): lua must be a string`)
    const script = { lua, numberOfKeys, readOnly }
    this._scripts.set(name, script)
    installScript(this, name, script)
  }

  /**
   * Adds `redis[name](...)` (and `…Buffer`) for a command the command table does not know — a module's,
   * or a newer server's — as ioredis does; pipelines made from this client get it too.
   */
  addBuiltinCommand(name) {
    this._builtins.add(name)
    installBuiltin(this, name)
  }

  scanStream(options) {
    return new ScanStream(this, 'scan', undefined, options)
  }

  scanBufferStream(options) {
    return new ScanStream(this, 'scan', undefined, options, true)
  }

  /**
   * Builds the pending entry for one command: arguments normalized like ioredis, restricted commands
   * refused, keyPrefix applied to key positions, and the request form chosen. Like ioredis, the
   * name goes to Redis as given (`call('GETT')` → "unknown command 'GETT'"); the command tables are
   * consulted in lower case.
   */
  _entry(name, rawArgs, asBuffer) {
    const lower = name.toLowerCase()
    const args = normalizeArgs(lower, rawArgs)
    const transform = this._replyTransform(name, args)
    const refusal = commandTable.refusal(lower, args)
    if (refusal) throw new RestrictedCommandError(refusal)
    const prefix = this.options.keyPrefix
    const indexes = commandTable.keyIndexes(lower, args)
    if (prefix) {
      for (const i of indexes) {
        // Too few arguments for the key spec: sent as given, so Redis answers with its arity error.
        if (i >= args.length) continue
        args[i] = typeof args[i] === 'string' ? prefix + args[i] : Buffer.concat([Buffer.from(prefix), args[i]])
      }
    }
    const request = encodeCommand(name, args)
    return new Entry(request.parts === undefined ? 'raw' : 'command', request, {
      readOnly: commandTable.isReadOnly(lower),
      asBuffer,
      transform,
      name,
      args,
      keys: commandTable.orderingKeys(lower, args, indexes),
    })
  }

  /**
   * How a command's reply is shaped: with `replyMapping: 'resp3'` as ioredis shapes RESP3 replies
   * (maps, doubles, pairs; see reply-mapping.js), else by ioredis's RESP2 transformers.
   */
  _replyTransform(name, args) {
    const legacy = commandTable.replyTransformer(name)
    if (this.options.replyMapping !== 'resp3') return legacy
    return resp3Mapper(name, args, this.options) ?? legacy
  }

  _command(name, rawArgs, asBuffer) {
    // showFriendlyErrorStack (ioredis): the stack of a failed command points at its caller.
    const caller = this.options.showFriendlyErrorStack ? new Error() : undefined
    let entry
    try {
      entry = this._entry(name, rawArgs, asBuffer)
    } catch (error) {
      return Promise.reject(caller ? friendlyStack(error, caller) : error)
    }
    const sent = this._send(entry)
    return caller ? sent.catch((error) => Promise.reject(friendlyStack(error, caller))) : sent
  }

  _send(entry) {
    if (this.status === 'wait') this.connect().catch(() => {})
    if (!this._dispatcher || this._closing || this.status === 'end' || this.status === 'close') {
      entry.fail(this._unusable())
      return entry.promise
    }
    return this._dispatcher.send(entry)
  }

  _setStatus(status, arg) {
    this.status = status
    this.emit(status, arg)
  }

  _end() {
    if (this.status === 'end') return
    this._closing = true
    this._subscriptions?.clear(connectionClosed())
    this._subscriptions = undefined
    process.nextTick(() => {
      this._setStatus('close')
      this._setStatus('end')
    })
    this.status = 'end'
  }

  /** Like ioredis: 'error' is emitted only when someone listens, never as an uncaught throw. */
  _emitError(error) {
    if (this.listenerCount('error') > 0) this.emit('error', error)
  }
}

/** The error with its stack replaced by the caller's, less the frames inside this package. */
function friendlyStack(error, caller) {
  if (!(error instanceof Error) || !error.stack) return error
  const frames = caller.stack.split('\n').slice(1)
  const outside = frames.findIndex((frame) => !frame.includes(__dirname))
  error.stack = error.stack.split('\n')[0] + '\n' + frames.slice(Math.max(0, outside)).join('\n')
  return error
}

installCommands(Redis.prototype)

for (const command of ['hscan', 'sscan', 'zscan']) {
  Redis.prototype[command + 'Stream'] = function (key, options) {
    return new ScanStream(this, command, key, options)
  }
  Redis.prototype[command + 'BufferStream'] = function (key, options) {
    return new ScanStream(this, command, key, options, true)
  }
}

module.exports = { Redis }
