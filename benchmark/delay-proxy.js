'use strict'
// A TCP proxy that adds a fixed round-trip time, run as its own process (child_process.fork) so its
// timers never share an event loop with the client under test. The same proxy carries HTTP (our
// client and @upstash/redis → gateway) and RESP (ioredis → redis-server): it forwards bytes, so
// every client pays exactly the same network.
//
// The model is latency, not bandwidth: every chunk read from one side is written to the other side
// `oneWayMs` later (half the RTT each way), in the order it was read. Because the delay is fixed, due
// times on one direction of one connection never decrease, so a FIFO per direction keeps the byte
// order. A new connection also pays the TCP handshake: data the client sends right after connecting
// reaches the server 1.5 RTT later (SYN/SYN-ACK, then the data), as on a real network.
//
// Timers have millisecond resolution, so delivery can be a little late (never more than
// EARLY_SLACK_MS early); every delivery's lateness is recorded and reported with the results, so a
// run shows what RTT it really applied.
//
// IPC (messages from the parent):
//   { type: 'listen', id, upstreamPort, rttMs }  →  { type: 'listening', id, port }
//   { type: 'stats', id }                        →  { type: 'stats', id, stats }  (and resets them)
//   { type: 'close', id }                        →  { type: 'closed', id }

const net = require('node:net')

const EARLY_SLACK_MS = 0.25
const now = () => performance.now()

/** Lateness samples (ms) of delivered chunks, kept small: a fixed reservoir plus exact count/mean/max. */
class Lateness {
  constructor() {
    this.reset()
  }
  reset() {
    this.count = 0
    this.sum = 0
    this.max = 0
    this.samples = []
  }
  record(ms) {
    this.count++
    this.sum += ms
    if (ms > this.max) this.max = ms
    if (this.samples.length < 20000) this.samples.push(ms)
    else this.samples[Math.floor(Math.random() * this.count) % 20000] = ms
  }
  summary() {
    const sorted = [...this.samples].sort((a, b) => a - b)
    const at = (p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : 0)
    const round = (x) => Number(x.toFixed(3))
    return {
      chunks: this.count,
      meanMs: round(this.count ? this.sum / this.count : 0),
      p50Ms: round(at(0.5)),
      p99Ms: round(at(0.99)),
      maxMs: round(this.max),
    }
  }
}

const END = Symbol('end')

/** One direction of one connection: chunks leave `oneWayMs` after they arrived, in order. */
class DelayLine {
  constructor(oneWayMs, target, lateness, notBefore = 0) {
    this.oneWayMs = oneWayMs
    this.target = target
    this.lateness = lateness
    this.notBefore = notBefore // handshake: nothing is sent from the client before this instant
    this.queue = []
    this.head = 0
    this.timer = null
  }

  push(chunk) {
    if (this.oneWayMs === 0) return this.deliver(chunk)
    this.queue.push({ due: Math.max(now(), this.notBefore) + this.oneWayMs, chunk })
    if (!this.timer) this.arm()
  }

  arm() {
    const wait = this.queue[this.head].due - now()
    this.timer = setTimeout(() => this.flush(), Math.max(0, Math.round(wait)))
  }

  flush() {
    this.timer = null
    const t = now()
    while (this.head < this.queue.length && this.queue[this.head].due <= t + EARLY_SLACK_MS) {
      const { due, chunk } = this.queue[this.head++]
      this.lateness.record(t - due)
      this.deliver(chunk)
    }
    if (this.head === this.queue.length) {
      this.queue = []
      this.head = 0
    } else {
      this.arm()
    }
  }

  deliver(chunk) {
    if (this.target.destroyed) return
    if (chunk === END) this.target.end()
    else this.target.write(chunk)
  }

  close() {
    clearTimeout(this.timer)
    this.timer = null
    this.queue = []
    this.head = 0
  }
}

const listeners = new Map() // id → { server, lateness, sockets }

function listen({ id, upstreamPort, rttMs }) {
  const oneWayMs = rttMs / 2
  const lateness = new Lateness()
  const sockets = new Set()
  const server = net.createServer({ noDelay: true }, (client) => {
    const acceptedAt = now()
    const upstream = net.connect({ host: '127.0.0.1', port: upstreamPort, noDelay: true })
    sockets.add(client)
    sockets.add(upstream)
    const toServer = new DelayLine(oneWayMs, upstream, lateness, oneWayMs ? acceptedAt + 2 * oneWayMs : 0)
    const toClient = new DelayLine(oneWayMs, client, lateness)
    client.on('data', (chunk) => toServer.push(chunk))
    upstream.on('data', (chunk) => toClient.push(chunk))
    // A side that closes (cleanly or not) closes the other once the bytes before it got there.
    client.on('close', () => {
      sockets.delete(client)
      toServer.push(END)
    })
    upstream.on('close', () => {
      sockets.delete(upstream)
      toClient.push(END)
    })
    const teardown = () => {
      toServer.close()
      toClient.close()
      client.destroy()
      upstream.destroy()
      sockets.delete(client)
      sockets.delete(upstream)
    }
    // A reset drops what is still queued, as a reset on a real network does.
    client.on('error', teardown)
    upstream.on('error', teardown)
  })
  server.listen(0, '127.0.0.1', () => {
    listeners.set(id, { server, lateness, sockets })
    process.send({ type: 'listening', id, port: server.address().port })
  })
}

process.on('message', (message) => {
  const entry = listeners.get(message.id)
  if (message.type === 'listen') listen(message)
  else if (message.type === 'stats') {
    const stats = entry ? entry.lateness.summary() : null
    if (entry) entry.lateness.reset()
    process.send({ type: 'stats', id: message.id, stats })
  } else if (message.type === 'close') {
    if (entry) {
      for (const socket of entry.sockets) socket.destroy()
      entry.server.close()
      listeners.delete(message.id)
    }
    process.send({ type: 'closed', id: message.id })
  }
})
// The parent owns this process: when it goes, so do we.
process.on('disconnect', () => process.exit(0))
