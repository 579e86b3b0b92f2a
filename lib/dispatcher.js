'use strict'
// Hands commands to the native core once per tick and settles them as outcomes come back.
//
// Order is the contract: outcomes return in exactly the order commands were submitted, so a
// FIFO of pending entries is all the bookkeeping needed — no ids cross the boundary.
const { ReplyReader } = require('./reply-reader.js')
const { ReplyError, TransportError, CommandTimeoutError, connectionClosed } = require('./errors.js')

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
  shift() {
    const item = this.items[this.head]
    this.items[this.head++] = undefined
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
    return item
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
    this.timer = undefined
    this.promise = new Promise((resolve, reject) => {
      this.resolve = resolve
      this.reject = reject
    })
  }

  settle(value) {
    if (this.settled) return
    this.settled = true
    if (this.timer) clearTimeout(this.timer)
    if (value instanceof ReplyError || value instanceof TransportError) {
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
    this.settled = true
    if (this.timer) clearTimeout(this.timer)
    this.reject(error)
  }
}

class Dispatcher {
  /**
   * @param {() => object} createNative builds the NativeClient (given the results callback)
   * @param {{ commandTimeout?: number, maxBatchCommands?: number, maxBatchBytes?: number,
   *   onTransportError?: (e: Error) => void }} options the caps of one /pipeline request
   */
  constructor(
    createNative,
    { onEvents, commandTimeout, maxBatchCommands = Infinity, maxBatchBytes = Infinity, onTransportError },
  ) {
    this.native = createNative(() => this.collect())
    this.onEvents = onEvents
    this.commandTimeout = commandTimeout
    this.maxBatchCommands = maxBatchCommands
    this.maxBatchBytes = maxBatchBytes
    this.onTransportError = onTransportError
    this.outbox = []
    this.pending = new Fifo()
    this.flushScheduled = false
    this.closed = false
    // Outcomes still owed by the native side for entries that disconnect() already rejected.
    this.discard = 0
    this.idleWaiters = []
    // Keeps Node alive exactly while commands are pending; the native wake-up itself never does.
    this.keepAlive = setInterval(() => {}, 2 ** 31 - 1)
    this.keepAlive.unref()
  }

  get size() {
    return this.outbox.length + this.pending.size
  }

  /** Queues an entry; everything queued in this tick leaves in one native call. */
  send(entry) {
    if (this.closed) {
      entry.fail(connectionClosed())
      return entry.promise
    }
    if (this.commandTimeout > 0) {
      entry.timer = setTimeout(() => entry.fail(new CommandTimeoutError()), this.commandTimeout)
    }
    if (this.size === 0) this.keepAlive.ref()
    this.outbox.push(entry)
    if (!this.flushScheduled) {
      this.flushScheduled = true
      process.nextTick(() => this.flush())
    }
    return entry.promise
  }

  flush() {
    this.flushScheduled = false
    const outbox = this.outbox
    this.outbox = []
    let i = 0
    while (i < outbox.length) {
      const entry = outbox[i]
      if (entry.kind === 'command') {
        // Consecutive JSON commands go over as one string, cut where the batch caps say: the
        // native side merges submissions up to the caps but never splits one, so a one-tick burst
        // must not become a single oversized request (HTTP 413). Byte count as in batch.rs:
        // "[" + commands joined by "," + "]".
        let j = i
        let readOnly = true
        let bytes = 1
        const parts = []
        while (j < outbox.length && outbox[j].kind === 'command') {
          const json = outbox[j].request.json
          const size = Buffer.byteLength(json) + 1
          if (parts.length > 0 && (parts.length >= this.maxBatchCommands || bytes + size > this.maxBatchBytes)) break
          parts.push(json)
          bytes += size
          readOnly = readOnly && outbox[j].readOnly
          j++
        }
        this.submit(outbox.slice(i, j), () => this.native.submitCommands(parts.join(','), j - i, readOnly))
        i = j
      } else if (entry.kind === 'raw') {
        this.submit([entry], () => this.native.submitRaw(entry.request.path, entry.request.body, entry.readOnly))
        i++
      } else {
        this.submit([entry], () => this.native.submitMulti(entry.request.json, entry.request.count))
        i++
      }
    }
  }

  submit(entries, call) {
    try {
      call()
    } catch (error) {
      for (const entry of entries) entry.fail(error)
      this.checkIdle()
      return
    }
    for (const entry of entries) this.pending.push(entry)
  }

  /** Called by the native side when outcomes are ready. */
  collect() {
    const reader = new ReplyReader(this.native.drain())
    let transportError
    while (!reader.done) {
      if (this.discard > 0) {
        this.discard--
        reader.read(false)
        continue
      }
      const entry = this.pending.shift()
      const value = reader.read(entry.asBuffer)
      if (value instanceof TransportError) transportError = value
      entry.settle(value)
    }
    if (transportError && this.onTransportError) this.onTransportError(transportError)
    this.checkIdle()
    // Pub/sub events share the wake-up: drained in the same turn, handed over as one buffer.
    const events = this.native.drainEvents()
    if (events.length > 0 && this.onEvents) this.onEvents(events)
  }

  checkIdle() {
    if (this.size !== 0) return
    this.keepAlive.unref()
    const waiters = this.idleWaiters
    this.idleWaiters = []
    for (const resolve of waiters) resolve()
  }

  /** Resolves once everything submitted so far has settled. */
  idle() {
    if (this.size === 0) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  /** No more commands; with `abandon`, pending ones are rejected now instead of awaited. */
  close({ abandon = false } = {}) {
    this.closed = true
    this.native.close()
    if (abandon) {
      const error = connectionClosed()
      // disconnect() is the caller's own decision: an abandoned command rejects for whoever awaits
      // it, but one nobody awaits (a PUBLISH whose subscriber already reacted, say) must not crash
      // the process as an unhandled rejection.
      const abandonEntry = (entry) => {
        entry.promise.catch(() => {})
        entry.fail(error)
      }
      for (const entry of this.outbox) abandonEntry(entry)
      this.outbox = []
      this.discard += this.pending.size
      while (this.pending.size) abandonEntry(this.pending.shift())
    }
    this.checkIdle()
    if (this.size === 0) clearInterval(this.keepAlive)
    else this.idle().then(() => clearInterval(this.keepAlive))
  }
}

module.exports = { Dispatcher, Entry }
