'use strict'
// ioredis-style subscribe/psubscribe over the REST API's Server-Sent Events streams.
//
// Each channel or pattern is one stream opened by the native core, known here by the id the core
// gave it: events are matched by that id, never by name, so after unsubscribe(c) → subscribe(c)
// nothing the old stream had queued (its confirmation, a drop, a message) reaches the new one.
// subscribe() resolves once the server has confirmed every new stream, so a message published
// after it resolves is delivered. An attempt that fails before the confirmation is retried as a
// command would be (an 'error' each time), then subscribe() rejects. A confirmed stream that drops
// is re-opened with back-off ('reconnecting', then 'ready' once no stream is reconnecting any more
// — back, unsubscribed or failed for good); messages published during the gap are lost, as with
// any pub/sub.
const { errorFromCode } = require('../errors.js')
const { readEvents } = require('./event-reader.js')

const KIND_CODE = { channel: 0, pattern: 1 }
const noop = () => {}

class Subscriptions {
  /**
   * @param {import('node:events').EventEmitter} emitter the client: events are emitted on it
   * @param {() => object} native the NativeClient of the moment
   */
  constructor(emitter, native) {
    this.lastAdd = undefined // settles once every add() so far has been answered
    this.emitter = emitter
    this.native = native
    this.active = { channel: new Map(), pattern: new Map() } // name (latin1) → subscription
    this.streams = new Map() // stream id → subscription
    this.reconnecting = new Set() // subscriptions whose confirmed stream dropped and is not back yet
    // While anything is subscribed the process stays alive, as with ioredis.
    this.keepAlive = setInterval(() => {}, 2 ** 31 - 1)
    this.keepAlive.unref()
  }

  get count() {
    return this.active.channel.size + this.active.pattern.size
  }

  /** Opens streams for the names not yet subscribed; resolves with the total count. */
  async add(kind, names) {
    const waits = []
    for (const name of names) {
      const key = name.toString('latin1')
      let sub = this.active[kind].get(key)
      if (!sub) {
        sub = { kind, key, name, stream: this.native().subscribe(KIND_CODE[kind], name), confirmed: false, waiters: [] }
        this.active[kind].set(key, sub)
        this.streams.set(sub.stream, sub)
      }
      if (!sub.confirmed) waits.push(new Promise((resolve, reject) => sub.waiters.push({ resolve, reject })))
    }
    this.keepAlive.ref()
    // The count as of these subscriptions (ioredis answers with the count of its last ack), even if
    // an unsubscribe lands before the server confirms.
    const count = this.count
    // Answered in call order, as ioredis's acks arrive on its one socket: a later call whose
    // channels are confirmed first still waits for the earlier calls (whatever their outcome).
    const earlier = this.lastAdd
    const confirmed = Promise.all(waits)
    this.lastAdd = Promise.all([earlier, confirmed]).then(noop, noop)
    await earlier
    await confirmed
    return count
  }

  /** Closes the named streams (all of this kind when none are named); resolves with the count left. */
  remove(kind, names) {
    const keys = names.length === 0 ? [...this.active[kind].keys()] : names.map((n) => n.toString('latin1'))
    let wasReconnecting = false
    for (const key of keys) {
      const sub = this.active[kind].get(key)
      if (sub) wasReconnecting = this.forget(sub) || wasReconnecting
    }
    if (wasReconnecting && this.reconnecting.size === 0) {
      // Emitted after unsubscribe() returns, as ioredis emits its status events.
      process.nextTick(() => {
        if (this.reconnecting.size === 0) this.emitter.emit('ready')
      })
    }
    if (this.count === 0) this.keepAlive.unref()
    return this.count
  }

  /**
   * Drops one subscription here and its stream in the native core; true when it was reconnecting.
   * A subscribe() still waiting resolves, as with ioredis (subscribe then unsubscribe), or rejects
   * with `error`.
   */
  forget(sub, error) {
    this.active[sub.kind].delete(sub.key)
    this.streams.delete(sub.stream)
    this.native().unsubscribe(sub.stream)
    settle(sub, error)
    return this.reconnecting.delete(sub)
  }

  /**
   * Hands everything over for a new native client (disconnect(true)): what is subscribed, with the
   * subscribe() calls still waiting, which settle with the new streams.
   */
  detach() {
    const subscriptions = [...this.streams.values()].map(({ kind, name, waiters }) => ({ kind, name, waiters }))
    for (const sub of this.streams.values()) sub.waiters = []
    this.clear()
    return subscriptions
  }

  /** Opens again what detach() handed over; resolves (or rejects) like add(). */
  restore(subscriptions) {
    const opened = []
    for (const { kind, name, waiters } of subscriptions) {
      opened.push(this.add(kind, [name]))
      this.active[kind].get(name.toString('latin1')).waiters.push(...waiters)
    }
    return Promise.all(opened)
  }

  /** Forgets everything (the native client closed its streams). */
  clear(error) {
    for (const sub of this.streams.values()) settle(sub, error)
    this.active.channel.clear()
    this.active.pattern.clear()
    this.streams.clear()
    this.reconnecting.clear()
    clearInterval(this.keepAlive)
  }

  /** Handles one drained event buffer. */
  deliver(buffer) {
    const emitter = this.emitter
    for (const event of readEvents(buffer)) {
      // Events of a stream closed since (unsubscribed, or replaced by a new stream of the same
      // name) are dropped: nothing arrives once unsubscribe() has resolved.
      const sub = this.streams.get(event.stream)
      if (!sub) continue
      switch (event.type) {
        // String events first, as ioredis does.
        case 'message':
          if (emitter.listenerCount('message') > 0)
            emitter.emit('message', event.channel.toString(), event.payload.toString())
          emitter.emit('messageBuffer', event.channel, event.payload)
          break
        case 'pmessage': {
          const pattern = event.pattern.toString()
          if (emitter.listenerCount('pmessage') > 0) {
            emitter.emit('pmessage', pattern, event.channel.toString(), event.payload.toString())
          }
          emitter.emit('pmessageBuffer', pattern, event.channel, event.payload)
          break
        }
        case 'subscribed':
          this.confirmed(sub)
          break
        case 'reconnecting':
          this.dropped(sub, event)
          break
        case 'streamError':
          this.error(Object.assign(new Error(event.message.replace(/^ERR /, '')), { code: 'ESTREAM' }))
          break
        case 'failed':
          this.failed(sub, event)
          break
      }
    }
  }

  confirmed(sub) {
    sub.confirmed = true
    settle(sub)
    if (this.reconnecting.delete(sub) && this.reconnecting.size === 0) this.emitter.emit('ready')
  }

  /** An attempt failed and the native core tries again after `event.delay`. */
  dropped(sub, event) {
    // Before the first confirmation the subscribe() call is still waiting: an error, no 'reconnecting'.
    if (sub.confirmed) {
      const first = this.reconnecting.size === 0
      this.reconnecting.add(sub)
      if (first) this.emitter.emit('reconnecting', event.delay)
    }
    this.error(errorFromCode(event.code, event.message))
  }

  /** The native core gave the stream up: subscribe() rejects, the subscription is gone. */
  failed(sub, event) {
    const error = errorFromCode(event.code, event.message)
    const wasReconnecting = this.forget(sub, error)
    if (this.count === 0) this.keepAlive.unref()
    this.error(error)
    if (wasReconnecting && this.reconnecting.size === 0) this.emitter.emit('ready')
  }

  error(error) {
    if (this.emitter.listenerCount('error') > 0) this.emitter.emit('error', error)
  }
}

function settle(sub, error) {
  const waiters = sub.waiters
  sub.waiters = []
  for (const { resolve, reject } of waiters) (error ? reject : resolve)(error)
}

module.exports = { Subscriptions }
