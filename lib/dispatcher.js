'use strict'
// Decides what leaves when, hands each request to the native core, and settles commands as their
// request's outcomes come back. The rules are in docs/ordering.md.
//
// Commands wait here, not in the native core, until they may leave: a command that is withdrawn
// while it waits (its commandTimeout fired, the client was disconnected) is provably never sent,
// and one handed over has left. Up to `maxInFlight` requests travel at once; a command never
// leaves before an earlier one on the same key (or channel) has finished, and a barrier (a command
// whose keys cannot be known) waits for everything before it and holds back everything after it.
// Reads of a key may travel side by side (they commute): only a write, or a read behind a write, waits
// for what travels on its key. Each submission gets an id from the native core; a finished
// request's outcomes come back under it, so requests may finish in any order.
const { performance } = require('node:perf_hooks')
const { ReplyReader } = require('./reply-reader.js')
const {
  RedisError,
  TransportError,
  TimeoutError,
  commandTimedOut,
  queueFull,
  connectionClosed,
  fromNative,
} = require('./errors.js')

/** How far past the head one scan looks for commands that may overtake: bounds the work per request. */
const MAX_SCAN = 10000

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
  /** Drops the items at the head that `gone` says are gone. */
  trim(gone) {
    while (this.size > 0 && gone(this.items[this.head])) this.shift()
  }
}

/**
 * One pending command (or transaction). `kind`: 'command' (may share a /pipeline request),
 * 'raw' (path form, binary last argument) or 'multi' (one /multi-exec request). `keys`: the names
 * it is ordered by (commands.orderingKeys), `null` for a barrier (also the default).
 */
class Entry {
  constructor(kind, request, { readOnly = false, asBuffer = false, transform, name, args, keys = null }) {
    this.kind = kind
    this.request = request
    this.keys = keys
    this.readOnly = readOnly
    this.asBuffer = asBuffer
    this.transform = transform
    // What was sent, for the `command` of its error (built only when there is one).
    this.name = name
    this.args = args
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
      if (this.name !== undefined && value.command === undefined) value.command = { name: this.name, args: this.args }
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
   *   maxQueuedCommands?: number, maxInFlight?: number, onTransportError?: (e: Error) => void,
   *   onEvents?: (events: Buffer) => void, stringNumbers?: boolean }} options the caps of one
   *   /pipeline request, the cap on commands waiting to be sent, the window of requests in flight,
   *   how integer replies are read (lib/reply-reader.js): each from `dispatchOptions()`, whose
   *   defaults are lib/options.js's
   */
  constructor(
    createNative,
    {
      onEvents,
      commandTimeout,
      maxBatchCommands,
      maxBatchBytes,
      maxQueuedCommands,
      maxInFlight,
      onTransportError,
      stringNumbers,
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
    // Defaults and validation: lib/options.js (dispatchOptions).
    this.maxBatchCommands = maxBatchCommands
    this.maxBatchBytes = maxBatchBytes
    this.maxQueuedCommands = maxQueuedCommands
    this.maxInFlight = maxInFlight
    this.onTransportError = onTransportError
    this.readerOptions = { stringNumbers }
    // Entries not sent yet, in issue order (sent and withdrawn ones stay as holes until trimmed).
    this.waiting = new Fifo()
    this.queued = 0
    // Requests in flight: submission id → { entries (in command order), barrier }.
    this.inFlight = new Map()
    // Keys of the commands in flight (key → how many), the same for the writes among them, and how
    // many in-flight requests hold a barrier.
    this.busy = new Map()
    this.writing = new Map()
    this.uncounted = 0 // requests in flight whose keys are not in `busy`/`writing` yet
    this.barriers = 0
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
    entry.settle(commandTimedOut(entry.sent))
  }

  /** One waiting entry is gone; drop the dead ones once they outnumber the live ones. */
  withdraw() {
    this.queued--
    this.compact()
  }

  compact() {
    if (this.waiting.size > 1024 && this.waiting.size > 2 * this.queued) this.waiting.filter(isWaiting)
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
   * The next request's entries, taken off the queue (docs/ordering.md): scanning in issue order,
   * a command may leave unless a key of it is in flight (for a read: in flight in a write) or
   * belongs to an earlier command still waiting; a barrier only when nothing before it waits or travels, and while one travels nothing
   * leaves. A transaction or path-form command travels alone; other commands share a /pipeline
   * request up to its caps. Entries whose deadline has passed (their timer is merely late) are
   * withdrawn, not sent.
   */
  take() {
    if (this.barriers > 0) return []
    const now = this.commandTimeout > 0 ? performance.now() : 0
    const taken = []
    const body = new BodySize(this.maxBatchBytes)
    let held = null // keys of the entries passed over: they stay ahead of everything after them
    let passed = false
    const items = this.waiting.items
    const end = Math.min(items.length, this.waiting.head + MAX_SCAN)
    for (let i = this.waiting.head; i < end; i++) {
      const entry = items[i]
      if (!isWaiting(entry)) continue
      if (entry.deadline <= now) {
        this.expire(entry)
        continue
      }
      const keys = entry.keys
      if (keys === null) {
        // A barrier: everything before it must be finished, or be in this very request.
        if (passed || this.inFlight.size > 0) break
        if (entry.kind !== 'command' || !this.fits(taken, body, entry)) {
          if (taken.length === 0) taken.push(entry)
          break
        }
        body.add(taken, entry)
        continue
      }
      // Keys of requests handed over since the last scan are counted only now, when a command must
      // be checked against them: a burst that leaves in one request never counts its keys at all.
      if (this.uncounted > 0) this.countInFlight()
      const blocked = isBlocked(keys, entry.readOnly ? this.writing : this.busy, held)
      if (!blocked && entry.kind !== 'command' && taken.length === 0) {
        taken.push(entry)
        break
      }
      if (!blocked && entry.kind === 'command') {
        if (!this.fits(taken, body, entry)) break
        body.add(taken, entry)
        continue
      }
      // Passed over (a key is busy, or a transaction/path-form command that cannot share this
      // request): what comes after must not overtake it on its keys.
      passed = true
      held ??= new Set()
      for (const key of keys) held.add(key)
    }
    for (const entry of taken) entry.sent = true
    this.queued -= taken.length
    this.waiting.trim((entry) => !isWaiting(entry))
    this.compact()
    return taken
  }

  /** Whether one more command fits the /pipeline request being built. */
  fits(taken, body, entry) {
    if (taken.length === 0) return true
    if (taken[0].kind !== 'command' || taken.length >= this.maxBatchCommands) return false
    return body.fits(taken, entry)
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
        let readOnly = true
        for (const entry of entries) readOnly = readOnly && entry.readOnly
        id = this.native.submitCommands(pipelineBody(entries), entries.length, readOnly, timeoutMs)
      }
    } catch (thrown) {
      const error = fromNative(thrown)
      for (const entry of entries) entry.fail(error)
      return
    }
    let barrier = false
    for (const entry of entries) if (entry.keys === null) barrier = true
    if (barrier) this.barriers++
    // Its keys are counted in `busy`/`writing` by the next scan that needs them (countInFlight).
    this.inFlight.set(id, { entries, barrier, counted: false })
    this.uncounted++
  }

  /** Counts the keys of the requests in flight that are not counted yet into `busy` and `writing`. */
  countInFlight() {
    for (const request of this.inFlight.values()) {
      if (request.counted) continue
      request.counted = true
      countKeys(request.entries, this.busy, this.writing, 1)
    }
    this.uncounted = 0
  }

  /** A request finished: its keys (or its barrier) no longer hold anything back. */
  release(request) {
    if (request.barrier) this.barriers--
    if (request.counted) countKeys(request.entries, this.busy, this.writing, -1)
    else this.uncounted--
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
    const reader = new ReplyReader(buffer, this.readerOptions)
    let transportError
    while (!reader.done) {
      const { id, count } = reader.group()
      // Unknown after disconnect(): its entries were rejected already, the outcomes are skipped.
      const request = this.inFlight.get(id)
      let entries
      if (request !== undefined) {
        this.inFlight.delete(id)
        this.release(request)
        entries = request.entries
      }
      for (let i = 0; i < count; i++) {
        const entry = entries?.[i]
        const value = reader.read(entry !== undefined && entry.asBuffer)
        if (entry === undefined || entry.settled) continue
        if (value instanceof TransportError) {
          transportError = value
          // The request ran out of the time its commands had: the command's own timeout, even if
          // the transport's timer fired before the JS one.
          if (value instanceof TimeoutError && entry.deadline !== Infinity) {
            entry.settle(commandTimedOut(true))
            continue
          }
        }
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

  /**
   * Rejects every unsettled entry. With `handled` (disconnect(): the caller's own decision), an
   * abandoned command still rejects for whoever awaits it, but one nobody awaits — a PUBLISH whose
   * subscriber already reacted, say — must not crash the process as an unhandled rejection.
   */
  failAll(error, { handled = false } = {}) {
    const waiting = this.waiting
    this.waiting = new Fifo()
    this.queued = 0
    const inFlight = [...this.inFlight.values()]
    this.inFlight.clear()
    this.busy.clear()
    this.writing.clear()
    this.uncounted = 0
    this.barriers = 0
    const fail = (entry) => {
      if (!entry) return
      if (handled) entry.promise.catch(() => {})
      entry.fail(error)
    }
    while (waiting.size) fail(waiting.shift())
    for (const { entries } of inFlight) for (const entry of entries) fail(entry)
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
    if (abandon) this.failAll(connectionClosed(), { handled: true })
    this.checkIdle()
    if (this.unsettled === 0) clearInterval(this.keepAlive)
    else this.idle().then(() => clearInterval(this.keepAlive))
  }
}

/** Whether a key is in `inFlight` or `held` (a loop, not `some`: no closure per command scanned). */
function isBlocked(keys, inFlight, held) {
  for (let i = 0; i < keys.length; i++) {
    if (inFlight.has(keys[i]) || (held !== null && held.has(keys[i]))) return true
  }
  return false
}

/** Adds `delta` to the count of every key of `entries` in `busy`, and of the writes among them in `writing`. */
function countKeys(entries, busy, writing, delta) {
  for (const entry of entries) {
    if (entry.keys === null) continue
    for (const key of entry.keys) count(busy, key, delta)
    if (!entry.readOnly) for (const key of entry.keys) count(writing, key, delta)
  }
}

/** Adds `delta` to a key's count in `counts`, dropping keys that reach 0. */
function count(counts, key, delta) {
  const n = (counts.get(key) ?? 0) + delta
  if (n === 0) counts.delete(key)
  else counts.set(key, n)
}

/**
 * The size of the /pipeline body being built, kept under `maxBatchBytes`. While the commands' upper
 * bounds (`request.maxBytes`, lib/arguments.js) fit, nothing is measured; a request that comes near
 * the cap measures its commands exactly (`exactBytes`), and its JSON is then sent as measured.
 */
class BodySize {
  constructor(cap) {
    this.cap = cap
    this.bound = 1 // "[" + commands joined by "," + "]"
    this.exact = -1 // the same, measured; -1 until a bound no longer fits
  }

  fits(taken, entry) {
    if (this.bound + entry.request.maxBytes + 1 <= this.cap) return true
    if (this.exact === -1) {
      this.exact = 1
      for (const earlier of taken) this.exact += exactBytes(earlier.request) + 1
    }
    return this.exact + exactBytes(entry.request) + 1 <= this.cap
  }

  add(taken, entry) {
    taken.push(entry)
    this.bound += entry.request.maxBytes + 1
    if (this.exact !== -1) this.exact += exactBytes(entry.request) + 1
  }
}

/** A command's size in a request body, measured once; its JSON is kept for the body. */
function exactBytes(request) {
  if (request.json === undefined) {
    request.json = JSON.stringify(request.parts)
    request.bytes = Buffer.byteLength(request.json)
  }
  return request.bytes
}

/**
 * The /pipeline body of `entries`: one JSON.stringify of all their parts (no string per command),
 * or, when the size cap made every command measure itself, their measured JSON joined.
 */
function pipelineBody(entries) {
  let measured = true
  for (const entry of entries) measured = measured && entry.request.json !== undefined
  if (measured) {
    let json = '[' + entries[0].request.json
    for (let i = 1; i < entries.length; i++) json += ',' + entries[i].request.json
    return json + ']'
  }
  const parts = new Array(entries.length)
  for (let i = 0; i < entries.length; i++) parts[i] = entries[i].request.parts
  return JSON.stringify(parts)
}

/** Not sent and not settled: still waiting in the queue. */
function isWaiting(entry) {
  return !entry.sent && !entry.settled
}

module.exports = { Dispatcher, Entry }
