'use strict'
// ioredis-style subscribe/psubscribe over the REST API's Server-Sent Events streams.
//
// Each channel or pattern is one stream opened by the native core. subscribe() resolves once the
// server has confirmed every new stream, so a message published after it resolves is delivered.
// A confirmed stream that drops is re-opened with back-off ('reconnecting', then 'ready' once
// every stream is back); messages published during the gap are lost, as with any pub/sub.
const { errorFromCode } = require('../errors.js')
const { readEvents } = require('./event-reader.js')

const KIND_CODE = { channel: 0, pattern: 1 }

class Subscriptions {
  /**
   * @param {import('node:events').EventEmitter} emitter the client: events are emitted on it
   * @param {() => object} native the NativeClient of the moment
   */
  constructor(emitter, native) {
    this.emitter = emitter
    this.native = native
    this.active = { channel: new Map(), pattern: new Map() }
    this.reconnecting = new Set()
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
        sub = { name, confirmed: false, waiters: [] }
        this.active[kind].set(key, sub)
        this.native().subscribe(KIND_CODE[kind], name)
      }
      if (!sub.confirmed) waits.push(new Promise((resolve, reject) => sub.waiters.push({ resolve, reject })))
    }
    this.keepAlive.ref()
    // The count as of these subscriptions (ioredis answers with the count of its last ack), even if
    // an unsubscribe lands before the server confirms.
    const count = this.count
    await Promise.all(waits)
    return count
  }

  /** Closes the named streams (all of this kind when none are named); resolves with the count left. */
  remove(kind, names) {
    const keys = names.length === 0 ? [...this.active[kind].keys()] : names.map((n) => n.toString('latin1'))
    for (const key of keys) {
      const sub = this.active[kind].get(key)
      if (!sub) continue
      this.active[kind].delete(key)
      this.reconnecting.delete(`${kind}:${key}`)
      this.native().unsubscribe(KIND_CODE[kind], sub.name)
      settle(sub) // a subscribe() still waiting resolves, as with ioredis (subscribe then unsubscribe)
    }
    if (this.count === 0) this.keepAlive.unref()
    return this.count
  }

  /** What is subscribed, for re-subscribing on a new native client. */
  names() {
    return {
      channel: [...this.active.channel.values()].map((s) => s.name),
      pattern: [...this.active.pattern.values()].map((s) => s.name),
    }
  }

  /** Forgets everything (the native client closed its streams). */
  clear(error) {
    for (const kind of ['channel', 'pattern']) {
      for (const sub of this.active[kind].values()) settle(sub, error)
      this.active[kind].clear()
    }
    this.reconnecting.clear()
    clearInterval(this.keepAlive)
  }

  /** Handles one drained event buffer. */
  deliver(buffer) {
    const emitter = this.emitter
    for (const event of readEvents(buffer)) {
      switch (event.type) {
        // Messages the native side had buffered for a name unsubscribed since are dropped, so
        // nothing arrives once unsubscribe() has resolved. String events first, as ioredis does.
        case 'message':
          if (!this.active.channel.has(event.channel.toString('latin1'))) break
          if (emitter.listenerCount('message') > 0)
            emitter.emit('message', event.channel.toString(), event.payload.toString())
          emitter.emit('messageBuffer', event.channel, event.payload)
          break
        case 'pmessage': {
          if (!this.active.pattern.has(event.pattern.toString('latin1'))) break
          const pattern = event.pattern.toString()
          if (emitter.listenerCount('pmessage') > 0) {
            emitter.emit('pmessage', pattern, event.channel.toString(), event.payload.toString())
          }
          emitter.emit('pmessageBuffer', pattern, event.channel, event.payload)
          break
        }
        case 'subscribed':
          this.confirmed(event)
          break
        case 'reconnecting':
          this.dropped(event)
          break
        case 'streamError':
          this.error(Object.assign(new Error(event.message.replace(/^ERR /, '')), { code: 'ESTREAM' }))
          break
        case 'failed':
          this.failed(event)
          break
      }
    }
  }

  sub(event) {
    return this.active[event.kind].get(event.name.toString('latin1'))
  }

  confirmed(event) {
    const sub = this.sub(event)
    if (!sub) return
    sub.confirmed = true
    settle(sub)
    if (this.reconnecting.delete(`${event.kind}:${event.name.toString('latin1')}`) && this.reconnecting.size === 0) {
      this.emitter.emit('ready')
    }
  }

  dropped(event) {
    const sub = this.sub(event)
    if (!sub) return
    const error = errorFromCode(event.code, event.message)
    if (!sub.confirmed) {
      // Never established: fail the subscribe() call instead of retrying behind its back.
      settle(sub, error)
      this.remove(event.kind, [sub.name])
      return
    }
    const first = this.reconnecting.size === 0
    this.reconnecting.add(`${event.kind}:${event.name.toString('latin1')}`)
    if (first) this.emitter.emit('reconnecting', event.delay)
    this.error(error)
  }

  failed(event) {
    const sub = this.sub(event)
    if (!sub) return
    const error = errorFromCode(event.code, event.message)
    settle(sub, error)
    this.remove(event.kind, [sub.name])
    this.error(error)
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
