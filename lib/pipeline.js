'use strict'
// pipeline() and multi(): chain commands, then exec() → [[err, result], …] like ioredis.
const { Entry } = require('./dispatcher.js')
const { ReplyError } = require('./errors.js')
const { withCallback, splitCallback } = require('./callback.js')
const { installCommands, installScript, installBuiltin } = require('./commander.js')

class Pipeline {
  /**
   * @param {import('./redis.js').Redis} redis
   * @param {{ multi: boolean }} mode multi: one atomic /multi-exec request; else ordinary commands
   *   that ride the client's ordered auto-pipeline (so they share requests with their neighbours)
   * @param {Array<[string, ...unknown[]]>} [commands] the batch form: [['set', 'k', 'v'], ['get', 'k']]
   */
  constructor(redis, { multi }, commands = []) {
    this.redis = redis
    this.isMulti = multi
    this.queued = []
    this.executed = false
    for (const [name, script] of redis._scripts) installScript(this, name, script)
    for (const name of redis._builtins) installBuiltin(this, name)
    this.addBatch(commands)
  }

  /** How many commands are queued (an inline multi()/exec() counts as a command each, as in ioredis). */
  get length() {
    return this.queued.length
  }

  /** The client's options, as `pipeline.options` in ioredis. */
  get options() {
    return this.redis.options
  }

  /** Queues [['set', 'k', 'v'], ['get', 'k']] (what `pipeline(commands)` takes). */
  addBatch(commands) {
    for (const [name, ...rawArgs] of commands) {
      // A command added with defineCommand keeps its name's case (ioredis: multi([['myCmd', …]])).
      if (this.redis._scripts.has(name)) this[name](...rawArgs)
      else {
        const [args, callback] = splitCallback(rawArgs)
        this._issue(String(name).toLowerCase(), args, false, callback)
      }
    }
    return this
  }

  /** A command from the Commander's methods: queued (or its error, for exec to report), the pipeline returned. */
  _issue(name, args, asBuffer, callback) {
    let entry
    let error
    try {
      entry = this.redis._entry(name, args, asBuffer)
    } catch (e) {
      error = e
    }
    this.queued.push({ entry, error, callback, transform: entry?.transform, asBuffer })
    return this
  }

  _issueError(error, callback) {
    this.queued.push({ error, callback })
    return this
  }

  /**
   * On a pipeline, opens an inline transaction, as in ioredis: the commands up to the next exec()
   * run as one MULTI … EXEC (one /multi-exec request) in order with the pipeline's other commands;
   * its slots read 'OK', 'QUEUED' …, then the EXEC results.
   */
  multi() {
    if (this.isMulti || this.openTransaction !== undefined) {
      this.queued.push({ error: new ReplyError('ERR MULTI calls can not be nested'), marker: 'multi' })
      return this
    }
    this.openTransaction = this.queued.length
    this.queued.push({ marker: 'multi' })
    return this
  }

  exec(callback) {
    if (this.openTransaction !== undefined) {
      // Closes the inline transaction; the pipeline itself is sent by the next exec().
      this.queued.push({ marker: 'exec', start: this.openTransaction, callback })
      this.openTransaction = undefined
      return this
    }
    if (this.executed) {
      return withCallback(
        Promise.reject(
          new Error('Pipeline cannot be used to send any commands when the `exec()` has been called on it.'),
        ),
        callback,
      )
    }
    this.executed = true
    const result = this.isMulti ? this._execMulti() : this._execPipeline()
    return withCallback(result, callback)
  }

  /** Every slot as `[error]` or `[null, result]`, sent in order: commands, and inline transactions. */
  _execPipeline() {
    const slots = []
    for (let i = 0; i < this.queued.length; i++) {
      const item = this.queued[i]
      if (item.marker === 'multi' && !item.error) {
        const end = this.queued.findIndex((q, j) => j > i && q.marker === 'exec' && q.start === i)
        slots.push(...this._inlineTransaction(i, end))
        if (end === -1) break
        i = end
      } else {
        const sent = item.error ? Promise.reject(item.error) : this.redis._send(item.entry)
        slots.push(withCallback(sent, item.callback).then(ok, failed))
      }
    }
    return Promise.all(slots)
  }

  /** The slots of queued[start] (MULTI) … queued[end] (EXEC); queued[end] is absent while still open. */
  _inlineTransaction(start, end) {
    const items = this.queued.slice(start + 1, end === -1 ? undefined : end)
    const exec = end === -1 ? undefined : this.queued[end]
    const sent = this._transaction(items, { open: exec === undefined })
    const queued = (item) => (item.asBuffer ? Buffer.from('QUEUED') : 'QUEUED')
    const slots = [
      sent.then(
        () => [null, 'OK'],
        () => [null, 'OK'],
      ),
    ]
    for (const item of items) {
      const slot = item.error
        ? Promise.reject(item.error)
        : sent.then(
            () => queued(item),
            () => queued(item),
          )
      slots.push(withCallback(slot, item.callback).then(ok, failed))
    }
    if (exec) {
      const results = sent.then((values) => values.map((value, i) => this._reply(value, items[i])))
      slots.push(withCallback(results, exec.callback).then(ok, failed))
    }
    return slots
  }

  async _execMulti() {
    if (this.queued.length === 0) return []
    const results = await this._transaction(this.queued, { callbacks: true })
    return results.map((value, i) => {
      const reply = this._reply(value, this.queued[i])
      return reply instanceof ReplyError ? [reply] : [null, reply]
    })
  }

  /**
   * Sends `items` as one /multi-exec request; resolves with EXEC's raw results (Redis errors in
   * place), rejects when the transaction could not run. A command that could not even be built
   * discards the transaction before anything is sent, as a queue-time error makes Redis discard it.
   */
  _transaction(items, { callbacks = false, open = false } = {}) {
    const invalid = items.find((q) => q.error)
    if (open) return Promise.reject(new Error('multi() in a pipeline needs its exec() before the pipeline is sent'))
    if (invalid) {
      return Promise.reject(
        callbacks ? invalid.error : new ReplyError('EXECABORT Transaction discarded because of previous errors.'),
      )
    }
    const raw = items.find((q) => q.entry.kind !== 'command')
    if (raw) {
      return Promise.reject(
        new TypeError(
          `${raw.entry.name}: a binary (non-UTF-8) argument cannot be part of multi(): ` +
            'the /multi-exec endpoint takes JSON only',
        ),
      )
    }
    const json = JSON.stringify(items.map((q) => q.entry.request.parts))
    const anyBuffer = items.some((q) => q.asBuffer)
    const entry = new Entry(
      'multi',
      { json, count: items.length },
      {
        asBuffer: anyBuffer,
        // Read as Buffers when any command asked for them; the others get their strings back.
        transform: (results) =>
          results.map((value, i) => (anyBuffer && !items[i].asBuffer ? buffersToStrings(value) : value)),
        name: 'exec',
        args: [],
        // Ordered by every key of its commands; one barrier inside makes the whole a barrier.
        keys: items.some((q) => q.entry.keys === null) ? null : items.flatMap((q) => q.entry.keys),
      },
    )
    if (callbacks) for (const { callback } of items) if (callback) process.nextTick(callback, null, 'QUEUED')
    return this.redis._send(entry)
  }

  /** One EXEC result with its command's reply transform; a Redis error stays an error. */
  _reply(value, item) {
    if (value instanceof ReplyError || !item.transform) return value
    return item.transform(value)
  }
}

const ok = (value) => [null, value]
const failed = (error) => [error]

function buffersToStrings(value) {
  if (Buffer.isBuffer(value)) return value.toString('utf8')
  if (Array.isArray(value)) return value.map(buffersToStrings)
  return value
}

installCommands(Pipeline.prototype)

module.exports = { Pipeline }
