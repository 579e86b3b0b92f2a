'use strict'
// Decides what leaves when, hands each request to the native core, and settles commands as their
// request's outcomes come back.
//
// Commands wait here, not in the native core, until they may leave: a command that is withdrawn
// while it waits (its commandTimeout fired, the client was disconnected) is provably never sent,
// and one handed over has left. Each submission gets an id from the native core; a finished
// request's outcomes come back under it, so requests may finish in any order.
const { performance } = require('node:perf_hooks')
const { ReplyReader } = require('./reply-reader.js')
const { RedisError, TransportError, commandTimedOut, queueFull, connectionClosed, fromNative } = require('./errors.js')

/** Default cap on commands waiting to be sent (see maxQueuedCommands in index.d.ts). */
const DEFAULT_MAX_QUEUED = 100000

class Fifo {
  constructor() {
    this.items = []
    this.head = 0
  }
  get size() {
    return this.items.length - this.head
  }
  push(item) {
    this.items.push(item)
  }
  peek() {
    return this.items[this.head]
  }
  shift() {
    const item = this.items[this.head]
    this.items[this.head++] = undefined
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
    return item
  }
  /** Keeps the items `keep` accepts, in order. */
  filter(keep) {
    this.items = this.items.slice(this.head).filter(keep)
    this.head = 0
  }
}

/**
 * One pending command (or transaction). `kind`: 'command' (may share a /pipeline request),
 * 'raw' (path form, binary last argument) or 'multi' (one /multi-exec request).
 */
class Entry {
  constructor(kind, request, { readOnly = false, asBuffer = false, transform, command }) {
    this.kind = kind
    this.request = request
    this.readOnly = readOnly
    this.asBuffer = asBuffer
    this.transform = transform
    this.command = command
    this.settled = false
    this.sent = false
    this.deadline = Infinity
    this.timer = undefined
    this.onSettled = undefined
    this.promise = new Promise((resolve, reject) => {
      this.resolve = resolve
      this.reject = reject
    })
  }

  /** Settles with an outcome: a reply, or a RedisError (Redis's or the transport's) to reject with. */
  settle(value) {
    if (this.settled) return
    this.finish()
    if (value instanceof RedisError) {
      if (this.command && value.command === undefined) value.command = this.command
      this.reject(value)
      return
    }
    try {
      this.resolve(this.transform ? this.transform(value) : value)
    } catch (error) {
      this.reject(error)
    }
  }

  fail(error) {
    if (this.settled) return
    this.finish()
    this.reject(error)
  }

  finish() {
    this.settled = true
    if (this.timer) clearTimeout(this.timer)
    if (this.onSettled) this.onSettled(this)
  }
}

class Dispatcher {
  /**
   * @param {(onResults: () => void) => object} createNative builds the NativeClient
   * @param {{ commandTimeout?: number, maxBatchCommands?: number, maxBatchBytes?: number,
   *   maxQueuedCommands?: number, onTransportError?: (e: Error) => void,
   *   onEvents?: (events: Buffer) => void }} options the caps of one /pipeline request, the cap
   *   on commands waiting to be sent
   */
  constructor(
    createNative,
    {
      onEvents,
      commandTimeout,
      maxBatchCommands = Infinity,
      maxBatchBytes = Infinity,
      maxQueuedCommands = DEFAULT_MAX_QUEUED,
      onTransportError,
    },
  ) {
    try {
      this.native = createNative(() => this.collect())
    } catch (error) {
      throw fromNative(error)
    }
    this.onEvents = onEvents
    // ioredis: 0, undefined or null is "no timeout".
    this.commandTimeout = commandTimeout > 0 ? commandTimeout : 0
    this.maxBatchCommands = maxBatchCommands
    this.maxBatchBytes = maxBatchBytes
    this.maxQueuedCommands = maxQueuedCommands ?? DEFAULT_MAX_QUEUED
    this.maxInFlight = 1
    this.onTransportError = onTransportError
    // Entries not sent yet, in issue order (withdrawn ones stay until skipped or compacted).
    this.waiting = new Fifo()
    this.queued = 0
    // Requests in flight: submission id → its entries, in command order.
    this.inFlight = new Map()
    this.unsettled = 0
    this.onSettled = () => {
      if (--this.unsettled === 0) this.checkIdle()
    }
    this.flushScheduled = false
    this.closed = false
    this.idleWaiters = []
    // Keeps Node alive exactly while commands are pending; the native wake-up itself never does.
    this.keepAlive = setInterval(() => {}, 2 ** 31 - 1)
    this.keepAlive.unref()
  }

  /** Queues an entry; what was issued in this tick leaves together (as the window allows). */
  send(entry) {
    if (this.closed) {
      entry.fail(connectionClosed())
      return entry.promise
    }
    if (this.queued >= this.maxQueuedCommands) {
      entry.fail(queueFull(this.maxQueuedCommands))
      return entry.promise
    }
    if (this.unsettled++ === 0) this.keepAlive.ref()
    entry.onSettled = this.onSettled
    if (this.commandTimeout > 0) {
      entry.deadline = performance.now() + this.commandTimeout
      entry.timer = setTimeout(() => this.expire(entry), this.commandTimeout)
    }
    this.waiting.push(entry)
    this.queued++
    if (!this.flushScheduled) {
      this.flushScheduled = true
      process.nextTick(() => this.flush())
    }
    return entry.promise
  }

  /** commandTimeout fired: a waiting entry is withdrawn (never sent); a sent one may have run. */
  expire(entry) {
    if (entry.settled) return
    if (!entry.sent) this.withdraw()
    entry.fail(commandTimedOut(entry.sent))
  }

  /** One waiting entry is gone; drop the dead ones once they outnumber the live ones. */
  withdraw() {
    this.queued--
    if (this.waiting.size > 1024 && this.waiting.size > 2 * this.queued) this.waiting.filter((e) => !e.settled)
  }

  flush() {
    this.flushScheduled = false
    this.pump()
  }

  /** Sends requests while the window has room and something may leave. */
  pump() {
    while (!this.closed && this.inFlight.size < this.maxInFlight) {
      const entries = this.take()
      if (entries.length === 0) return
      this.submit(entries)
    }
  }

  /**
   * The next request's entries, taken off the queue: a transaction or a path-form command alone,
   * or consecutive commands up to the caps of one /pipeline request. Entries whose deadline has
   * passed (their timer is merely late) are withdrawn, not sent.
   */
  take() {
    const now = this.commandTimeout > 0 ? performance.now() : 0
    const taken = []
    let bytes = 1 // "[" + commands joined by "," + "]", as the request body counts them
    while (this.waiting.size > 0) {
      const entry = this.waiting.peek()
      if (entry.settled) {
        this.waiting.shift()
        continue
      }
      if (entry.deadline <= now) {
        this.waiting.shift()
        this.expire(entry)
        continue
      }
      if (entry.kind !== 'command') {
        if (taken.length === 0) {
          this.waiting.shift()
          taken.push(entry)
        }
        break
      }
      const size = Buffer.byteLength(entry.request.json) + 1
      if (taken.length > 0 && (taken.length >= this.maxBatchCommands || bytes + size > this.maxBatchBytes)) break
      this.waiting.shift()
      taken.push(entry)
      bytes += size
    }
    this.queued -= taken.length
    return taken
  }

  /** Hands one request to the native core; a refusal fails its entries, nothing else. */
  submit(entries) {
    const first = entries[0]
    let timeoutMs
    if (this.commandTimeout > 0) {
      let last = 0
      for (const entry of entries) last = Math.max(last, entry.deadline)
      timeoutMs = Math.max(1, Math.ceil(last - performance.now()))
    }
    let id
    try {
      if (first.kind === 'raw') {
        id = this.native.submitRaw(first.request.path, first.request.body, first.readOnly, timeoutMs)
      } else if (first.kind === 'multi') {
        id = this.native.submitMulti(first.request.json, first.request.count, timeoutMs)
      } else {
        let json = first.request.json
        let readOnly = first.readOnly
        for (let i = 1; i < entries.length; i++) {
          json += ',' + entries[i].request.json
          readOnly = readOnly && entries[i].readOnly
        }
        id = this.native.submitCommands(json, entries.length, readOnly, timeoutMs)
      }
    } catch (thrown) {
      const error = fromNative(thrown)
      for (const entry of entries) entry.fail(error)
      return
    }
    for (const entry of entries) entry.sent = true
    this.inFlight.set(id, entries)
  }

  /** Called by the native side when outcomes are ready. */
  collect() {
    let buffer
    try {
      buffer = this.native.drain()
    } catch (thrown) {
      this.failAll(fromNative(thrown))
      return
    }
    const reader = new ReplyReader(buffer)
    let transportError
    while (!reader.done) {
      const { id, count } = reader.group()
      // Unknown after disconnect(): its entries were rejected already, the outcomes are skipped.
      const entries = this.inFlight.get(id)
      this.inFlight.delete(id)
      for (let i = 0; i < count; i++) {
        const entry = entries?.[i]
        const value = reader.read(entry !== undefined && entry.asBuffer)
        if (entry === undefined || entry.settled) continue
        if (value instanceof TransportError) transportError = value
        entry.settle(value)
      }
    }
    if (transportError && this.onTransportError) this.onTransportError(transportError)
    this.pump()
    // Pub/sub events share the wake-up: drained in the same turn, handed over as one buffer.
    let events
    try {
      events = this.native.drainEvents()
    } catch (thrown) {
      if (this.onTransportError) this.onTransportError(fromNative(thrown))
      return
    }
    if (events.length > 0 && this.onEvents) this.onEvents(events)
  }

  failAll(error) {
    const waiting = this.waiting
    this.waiting = new Fifo()
    this.queued = 0
    const inFlight = [...this.inFlight.values()]
    this.inFlight.clear()
    while (waiting.size) waiting.shift().fail(error)
    for (const entries of inFlight) for (const entry of entries) entry.fail(error)
  }

  checkIdle() {
    if (this.unsettled !== 0) return
    this.keepAlive.unref()
    const waiters = this.idleWaiters
    this.idleWaiters = []
    for (const resolve of waiters) resolve()
  }

  /** Resolves once everything submitted so far has settled. */
  idle() {
    if (this.unsettled === 0) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  /** No more commands; with `abandon`, pending ones are rejected now instead of awaited. */
  close({ abandon = false } = {}) {
    this.closed = true
    try {
      this.native.close()
    } catch {
      // Closing is best effort: the client is unusable from here on either way.
    }
    if (abandon) this.failAll(connectionClosed())
    this.checkIdle()
    if (this.unsettled === 0) clearInterval(this.keepAlive)
    else this.idle().then(() => clearInterval(this.keepAlive))
  }
}

module.exports = { Dispatcher, Entry }
