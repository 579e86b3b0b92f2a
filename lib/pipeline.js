'use strict'
// pipeline() and multi(): chain commands, then exec() → [[err, result], …] like ioredis.
const commandTable = require('./commands.js')
const { Entry } = require('./dispatcher.js')
const { ReplyError } = require('./errors.js')
const { withCallback, splitCallback } = require('./callback.js')

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
    for (const [name, script] of redis._scripts) {
      this[name] = (...args) => this._addScript(script, args, false)
      this[name + 'Buffer'] = (...args) => this._addScript(script, args, true)
    }
    this.addBatch(commands)
  }

  get length() {
    return this.queued.length
  }

  /** Queues [['set', 'k', 'v'], ['get', 'k']] (what `pipeline(commands)` takes). */
  addBatch(commands) {
    for (const [name, ...args] of commands) this._add(String(name).toLowerCase(), args, false)
    return this
  }

  /** Any command by name, like Redis#call: `call('GET', 'k')` or `call(['GET', 'k'])`. */
  call(...args) {
    return this._addCall(args, false)
  }

  callBuffer(...args) {
    return this._addCall(args, true)
  }

  send_command(...args) {
    return this.call(...args)
  }

  _addCall(rawArgs, asBuffer) {
    const [args, callback] = splitCallback(rawArgs)
    const [name, ...rest] = Array.isArray(args[0]) ? args[0] : args
    if (typeof name !== 'string') {
      this.queued.push({ error: new TypeError('call() needs a command name'), callback, asBuffer })
      return this
    }
    // As in Redis#call, the name stays as given (and so picks the reply transformer).
    return this._add(name, callback ? [...rest, callback] : rest, asBuffer)
  }

  _add(name, rawArgs, asBuffer, transform = commandTable.replyTransformer(name)) {
    const [args, callback] = splitCallback(rawArgs)
    let entry
    let error
    try {
      entry = this.redis._entry(name, args, asBuffer, transform)
    } catch (e) {
      error = e
    }
    this.queued.push({ entry, error, callback, transform, asBuffer })
    return this
  }

  /** Inside a pipeline a defined command runs as EVAL: one round trip, no NOSCRIPT retry needed. */
  _addScript(script, rawArgs, asBuffer) {
    const [args, callback] = splitCallback(rawArgs)
    const withKeys = script.numberOfKeys === undefined ? args : [script.numberOfKeys, ...args]
    return this._add('eval', [script.lua, ...withKeys, ...(callback ? [callback] : [])], asBuffer)
  }

  exec(callback) {
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

  async _execPipeline() {
    const settled = await Promise.allSettled(
      this.queued.map(({ entry, error }) => (error ? Promise.reject(error) : this.redis._send(entry))),
    )
    return settled.map((outcome, i) => {
      const { callback } = this.queued[i]
      const pair = outcome.status === 'fulfilled' ? [null, outcome.value] : [outcome.reason]
      if (callback) process.nextTick(callback, pair[0], pair[1])
      return pair
    })
  }

  async _execMulti() {
    if (this.queued.length === 0) return []
    const invalid = this.queued.find((q) => q.error)
    if (invalid) throw invalid.error
    const raw = this.queued.find((q) => q.entry.kind !== 'command')
    if (raw) {
      throw new TypeError(
        `${raw.entry.command.name}: a binary (non-UTF-8) argument cannot be part of multi(): ` +
          'the /multi-exec endpoint takes JSON only',
      )
    }
    const json = '[' + this.queued.map((q) => q.entry.request.json).join(',') + ']'
    const anyBuffer = this.queued.some((q) => q.asBuffer)
    const entry = new Entry(
      'multi',
      { json, count: this.queued.length },
      {
        asBuffer: anyBuffer,
        transform: (results) => results.map((value, i) => this._slot(value, i, anyBuffer)),
        command: { name: 'exec', args: [] },
        // Ordered by every key of its commands; one barrier inside makes the whole a barrier.
        keys: this.queued.some((q) => q.entry.keys === null) ? null : this.queued.flatMap((q) => q.entry.keys),
      },
    )
    for (const { callback } of this.queued) if (callback) process.nextTick(callback, null, 'QUEUED')
    return this.redis._send(entry)
  }

  /** One EXEC result as ioredis shapes it: [error] or [null, transformed reply]. */
  _slot(value, i, readAsBuffer) {
    if (value instanceof ReplyError) return [value]
    const { asBuffer, transform } = this.queued[i]
    let reply = readAsBuffer && !asBuffer ? buffersToStrings(value) : value
    if (transform) reply = transform(reply)
    return [null, reply]
  }
}

function buffersToStrings(value) {
  if (Buffer.isBuffer(value)) return value.toString('utf8')
  if (Array.isArray(value)) return value.map(buffersToStrings)
  return value
}

for (const name of commandTable.names) {
  if (name in Pipeline.prototype) continue
  Pipeline.prototype[name] = function (...args) {
    return this._add(name, args, false)
  }
  Pipeline.prototype[name + 'Buffer'] = function (...args) {
    return this._add(name, args, true)
  }
}

module.exports = { Pipeline }
