'use strict'

// The benchmark's delay proxy (benchmark/delay-proxy.js) in its own process in front of a local echo
// server: bytes arrive complete and in order per connection, never earlier than the RTT it was
// asked for (a lower bound only: a loaded machine may make them later, never earlier), and a close
// on one side reaches the other.

const { fork } = require('node:child_process')
const net = require('node:net')
const path = require('node:path')

const PROXY = path.join(__dirname, '..', 'benchmark', 'delay-proxy.js')
const EARLY_SLACK_MS = 0.25 // the proxy's own documented tolerance

function ask(child, message, answer) {
  return new Promise((resolve) => {
    const onMessage = (reply) => {
      if (reply.type === answer && reply.id === message.id) {
        child.off('message', onMessage)
        resolve(reply)
      }
    }
    child.on('message', onMessage)
    child.send(message)
  })
}

describe('benchmark delay proxy', () => {
  let echo
  let proxy
  let echoPort

  beforeAll(async () => {
    echo = net.createServer((socket) => socket.pipe(socket))
    await new Promise((resolve) => echo.listen(0, '127.0.0.1', resolve))
    echoPort = echo.address().port
    proxy = fork(PROXY, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  })

  afterAll(async () => {
    proxy.kill('SIGKILL')
    await new Promise((resolve) => echo.close(resolve))
  })

  async function connect(rttMs, id) {
    const { port } = await ask(proxy, { type: 'listen', id, upstreamPort: echoPort, rttMs }, 'listening')
    const socket = net.connect({ host: '127.0.0.1', port, noDelay: true })
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject))
    return socket
  }

  function collect(socket, bytes) {
    return new Promise((resolve, reject) => {
      const chunks = []
      let length = 0
      socket.on('data', (chunk) => {
        chunks.push(chunk)
        length += chunk.length
        if (length >= bytes) resolve(Buffer.concat(chunks))
      })
      socket.once('error', reject)
    })
  }

  test.each([0, 20])('RTT %i ms: many small writes come back whole and in order', async (rttMs) => {
    const socket = await connect(rttMs, 100 + rttMs)
    const parts = Array.from({ length: 500 }, (_, i) => `<${i}>`)
    const expected = parts.join('')
    const received = collect(socket, Buffer.byteLength(expected))
    for (const part of parts) socket.write(part)
    expect((await received).toString()).toBe(expected)
    socket.destroy()
  })

  test('a round trip takes at least the RTT, and the first one also pays the handshake', async () => {
    const rttMs = 30
    const socket = await connect(rttMs, 1)
    const connectedAt = performance.now()
    const roundTrip = async (text) => {
      const start = performance.now()
      const got = collect(socket, text.length)
      socket.write(text)
      expect((await got).toString()).toBe(text)
      socket.removeAllListeners('data')
      return { start, end: performance.now() }
    }
    const first = await roundTrip('ping')
    expect(first.end - connectedAt).toBeGreaterThanOrEqual(1.5 * rttMs + rttMs / 2 - 2 * EARLY_SLACK_MS)
    const second = await roundTrip('pong')
    expect(second.end - second.start).toBeGreaterThanOrEqual(rttMs - 2 * EARLY_SLACK_MS)
    const { stats } = await ask(proxy, { type: 'stats', id: 1 }, 'stats')
    expect(stats.chunks).toBeGreaterThanOrEqual(4)
    expect(stats.p50Ms).toBeGreaterThanOrEqual(-EARLY_SLACK_MS)
    socket.destroy()
  })

  test('a client that closes closes the upstream side too', async () => {
    let upstreamClosed
    const closed = new Promise((resolve) => (upstreamClosed = resolve))
    const server = net.createServer((socket) => {
      socket.resume()
      socket.on('close', upstreamClosed)
    })
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = await ask(
      proxy,
      { type: 'listen', id: 2, upstreamPort: server.address().port, rttMs: 10 },
      'listening',
    )
    const socket = net.connect({ host: '127.0.0.1', port })
    await new Promise((resolve) => socket.once('connect', resolve))
    socket.write('bye')
    socket.end()
    await closed // the test's timeout is the bound
    await new Promise((resolve) => server.close(resolve))
  })
})
