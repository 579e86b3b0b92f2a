'use strict'
// The notify-channel subscriptions of one client, shared by every ChatStreams on it: a channel is
// subscribed while at least one reader (of any instance) follows it, and every reader waits for the
// server to confirm that subscription before it reads, so no append after its read goes unnoticed.

/** Passed to a reader's wake function when the client was closed (quit(), disconnect()). */
const CLOSED = Symbol('client closed')

const registries = new WeakMap()

function registryOf(redis) {
  let registry = registries.get(redis)
  if (!registry) {
    registry = new ListenerRegistry(redis)
    registries.set(redis, registry)
  }
  return registry
}

class ListenerRegistry {
  constructor(redis) {
    this.redis = redis
    this.channels = new Map() // notify channel → { wakes: Set of wake functions, ready: Promise }
    this.onMessage = (channel, message) => {
      const wakes = this.channels.get(channel)?.wakes
      if (!wakes) return
      const entry = parseNotification(message) // once, however many readers follow the stream
      for (const wake of wakes) wake(entry)
    }
    // After a pub/sub reconnect, notifications may have been missed: every reader re-reads.
    this.onReady = () => this.wakeAll(undefined)
    // No notification and no command can come after the client closed: a waiting reader would
    // otherwise sleep until its next poll (keeping the process alive) only to fail then.
    this.onEnd = () => this.wakeAll(CLOSED)
  }

  wakeAll(signal) {
    for (const { wakes } of this.channels.values()) for (const wake of [...wakes]) wake(signal)
  }

  /** Resolves once `channel` is subscribed; on failure nothing of this call is left behind. */
  async listen(channel, wake) {
    let entry = this.channels.get(channel)
    if (!entry) {
      if (this.channels.size === 0) {
        this.redis.on('message', this.onMessage)
        this.redis.on('ready', this.onReady)
        this.redis.on('end', this.onEnd)
      }
      entry = { wakes: new Set(), ready: undefined }
      this.channels.set(channel, entry)
      entry.ready = this.redis.subscribe(channel)
    }
    entry.wakes.add(wake)
    try {
      await entry.ready
    } catch (error) {
      await this.unlisten(channel, wake)
      throw error
    }
  }

  async unlisten(channel, wake) {
    const entry = this.channels.get(channel)
    if (!entry || !entry.wakes.delete(wake) || entry.wakes.size > 0) return
    this.channels.delete(channel)
    if (this.channels.size === 0) {
      this.redis.off('message', this.onMessage)
      this.redis.off('ready', this.onReady)
      this.redis.off('end', this.onEnd)
    }
    if (this.redis.status !== 'end') await this.redis.unsubscribe(channel).catch(() => {})
  }
}

/** `{ p, i, t, d }` from an append's notification; undefined for anything else. */
function parseNotification(message) {
  try {
    const entry = JSON.parse(message)
    return typeof entry?.p === 'string' && typeof entry.i === 'string' ? entry : undefined
  } catch {
    return undefined
  }
}

module.exports = { registryOf, CLOSED }
