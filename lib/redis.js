'use strict'
// The ioredis-shaped client.
const { EventEmitter } = require('node:events')
const { createHash } = require('node:crypto')

const native = require('./native.js')
const commandTable = require('./commands.js')
const { resolveOptions, nativeOptions } = require('./options.js')
const { Dispatcher, Entry } = require('./dispatcher.js')
const { normalizeArgs, encodeCommand } = require('./arguments.js')
const { ReplyError, RestrictedCommandError, connectionClosed, fromNative } = require('./errors.js')
const { withCallback, splitCallback } = require('./callback.js')
const { ScanStream } = require('./scan-stream.js')
const { Pipeline } = require('./pipeline.js')
const { Subscriptions } = require('./pubsub/subscriptions.js')

class Redis extends EventEmitter {
  /**
   * `new Redis()`, `new Redis(url)`, `new Redis(url, options)`, `new Redis(options)`; url and token
   * default to UPSTASH_REDIS_REST_URL / UPSTASH_REDIS_REST_TOKEN (or KV_REST_API_URL / KV_REST_API_TOKEN).
   */
  constructor(...args) {
    super()
    this.options = resolveOptions(args)
    this.status = 'wait'
    this._dispatcher = null
    this._closing = false
    this._scripts = new Map()
    if (!this.options.lazyConnect) {
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

  set readYourWritesSyncToken(token) {
    if (this.status === 'wait') this.connect().catch(() => {})
    if (!this._dispatcher) throw connectionClosed()
    try {
      this._dispatcher.native.syncToken = String(token)
    } catch (thrown) {
      throw fromNative(thrown)
    }
  }

  /** REST needs no handshake: this sets up the native client and walks the ioredis statuses. */
  connect(callback) {
    if (['connecting', 'connect', 'ready'].includes(this.status)) {
      return withCallback(Promise.reject(new Error('Redis is already connecting/connected')), callback)
    }
    let dispatcher = this._pendingDispatcher
    this._pendingDispatcher = undefined
    try {
      dispatcher = dispatcher ?? this._createDispatcher()
    } catch (error) {
      return withCallback(Promise.reject(error), callback)
    }
    this._dispatcher = dispatcher
    this._closing = false
    this._setStatus('connecting')
    const ready = new Promise((resolve) =>
      process.nextTick(() => {
        this._setStatus('connect')
        this._setStatus('ready')
        resolve()
      }),
    )
    return withCallback(ready, callback)
  }

  /** The native client; throws when the configuration cannot work (bad URL, unusable token). */
  _createDispatcher() {
    const transport = nativeOptions(this.options)
    return new Dispatcher((onResults) => new native.NativeClient(transport, onResults), {
      commandTimeout: this.options.commandTimeout,
      maxQueuedCommands: this.options.maxQueuedCommands,
      maxInFlight: this.options.maxInFlight,
      maxBatchCommands: transport.maxBatchCommands,
      maxBatchBytes: transport.maxBatchBytes,
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
      if (this.status === 'wait') this.connect().catch(() => {})
      if (!this._dispatcher || this._closing) throw connectionClosed()
      this._subscriptions ??= new Subscriptions(this, () => this._dispatcher.native)
      const names = args.flat().map((name) => (Buffer.isBuffer(name) ? name : Buffer.from(String(name))))
      if (operation === 'add' && names.length === 0) {
        throw new ReplyError(
          `ERR wrong number of arguments for '${kind === 'channel' ? 'subscribe' : 'psubscribe'}' command`,
        )
      }
      result =
        operation === 'add'
          ? this._subscriptions.add(kind, names)
          : Promise.resolve(this._subscriptions.remove(kind, names))
    } catch (error) {
      result = Promise.reject(error)
    }
    return withCallback(result, callback)
  }

  /** Waits for every pending command, then closes; resolves 'OK'. */
  quit(callback) {
    const done = (async () => {
      if (this.status === 'end' || !this._dispatcher) {
        this._end()
        return 'OK'
      }
      this._closing = true
      await this._dispatcher.idle()
      this._dispatcher.close()
      this._end()
      return 'OK'
    })()
    return withCallback(done, callback)
  }

  /** Closes now; pending commands reject with "Connection is closed.". `reconnect` opens a fresh client. */
  disconnect(reconnect = false) {
    // Like ioredis's autoResubscribe: a reconnecting client keeps its channels and patterns.
    const resubscribe = reconnect ? this._subscriptions?.names() : undefined
    if (this._dispatcher) this._dispatcher.close({ abandon: true })
    this._end()
    if (!reconnect) return
    this.connect()
      .then(() => {
        for (const [kind, names] of Object.entries(resubscribe ?? {})) {
          if (names.length > 0) this._subscription('add', kind, [names]).catch((error) => this._emitError(error))
        }
      })
      .catch(() => {})
  }

  end() {
    this.disconnect()
  }

  /** A new client with the same options (and any overrides). */
  duplicate(override) {
    return new Redis({ ...this.options, ...override })
  }

  /** Any command by name: `call('GET', 'k')` or `call(['GET', 'k'])`. */
  call(...args) {
    return this._callBy(args, false)
  }

  callBuffer(...args) {
    return this._callBy(args, true)
  }

  send_command(...args) {
    return this.call(...args)
  }

  _callBy(rawArgs, asBuffer) {
    const [args, callback] = splitCallback(rawArgs)
    const [name, ...rest] = Array.isArray(args[0]) ? args[0] : args
    if (typeof name !== 'string')
      return withCallback(Promise.reject(new TypeError('call() needs a command name')), callback)
    // The name stays as given, and so picks the reply transformer (ioredis: call('HGETALL') is not transformed).
    return withCallback(this._command(name, rest, asBuffer), callback)
  }

  pipeline(commands) {
    return new Pipeline(this, { multi: false }, commands)
  }

  /** A MULTI…EXEC transaction sent as one /multi-exec request. */
  multi(commands) {
    return new Pipeline(this, { multi: true }, Array.isArray(commands) ? commands : undefined)
  }

  /**
   * Adds `redis[name](...keys, ...args)` running `lua` with EVALSHA, falling back to EVAL when the
   * server does not know the script yet. Without `numberOfKeys`, the first argument gives it.
   */
  defineCommand(name, { lua, numberOfKeys, readOnly = false }) {
    if (typeof lua !== 'string') throw new TypeError(`defineCommand(${name}): lua must be a string`)
    const script = { lua, numberOfKeys, readOnly, sha: createHash('sha1').update(lua).digest('hex') }
    this._scripts.set(name, script)
    this[name] = (...args) => this._script(script, args, false)
    this[name + 'Buffer'] = (...args) => this._script(script, args, true)
  }

  _script(script, rawArgs, asBuffer) {
    const [args, callback] = splitCallback(rawArgs)
    const withKeys = script.numberOfKeys === undefined ? args : [script.numberOfKeys, ...args]
    const viaSha = this._command('evalsha', [script.sha, ...withKeys], asBuffer)
    const result = viaSha.catch((error) =>
      /NOSCRIPT/i.test(error.message)
        ? this._command('eval', [script.lua, ...withKeys], asBuffer)
        : Promise.reject(error),
    )
    return withCallback(result, callback)
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
  _entry(name, rawArgs, asBuffer, transform = commandTable.replyTransformer(name)) {
    const lower = name.toLowerCase()
    const args = normalizeArgs(lower, rawArgs)
    const refusal = commandTable.refusal(lower, args)
    if (refusal) throw new RestrictedCommandError(refusal)
    const prefix = this.options.keyPrefix
    const indexes = commandTable.keyIndexes(lower, args)
    if (prefix) {
      for (const i of indexes) {
        args[i] = typeof args[i] === 'string' ? prefix + args[i] : Buffer.concat([Buffer.from(prefix), args[i]])
      }
    }
    const request = encodeCommand(name, args)
    return new Entry(request.json === undefined ? 'raw' : 'command', request, {
      readOnly: commandTable.isReadOnly(lower),
      asBuffer,
      transform,
      command: { name, args },
      keys: commandTable.orderingKeys(lower, args, indexes),
    })
  }

  _command(name, rawArgs, asBuffer) {
    let entry
    try {
      entry = this._entry(name, rawArgs, asBuffer)
    } catch (error) {
      return Promise.reject(error)
    }
    return this._send(entry)
  }

  _send(entry) {
    if (this.status === 'wait') this.connect().catch(() => {})
    if (!this._dispatcher || this._closing || this.status === 'end' || this.status === 'close') {
      entry.fail(connectionClosed())
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

/** Generated methods never replace a hand-written one (quit, multi, …). */
const isFree = (proto, method) => !(method in proto)

for (const name of commandTable.names) {
  if (isFree(Redis.prototype, name)) {
    Redis.prototype[name] = function (...rawArgs) {
      const [args, callback] = splitCallback(rawArgs)
      return withCallback(this._command(name, args, false), callback)
    }
  }
  if (isFree(Redis.prototype, name + 'Buffer')) {
    Redis.prototype[name + 'Buffer'] = function (...rawArgs) {
      const [args, callback] = splitCallback(rawArgs)
      return withCallback(this._command(name, args, true), callback)
    }
  }
}

for (const command of ['hscan', 'sscan', 'zscan']) {
  Redis.prototype[command + 'Stream'] = function (key, options) {
    return new ScanStream(this, command, key, options)
  }
  Redis.prototype[command + 'BufferStream'] = function (key, options) {
    return new ScanStream(this, command, key, options, true)
  }
}

module.exports = { Redis }
