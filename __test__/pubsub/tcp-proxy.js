'use strict'
// A TCP proxy in front of the real gateway, for the faults an HTTP-level proxy cannot make on a
// long-lived SSE response (it would buffer the never-ending answer). It runs in a worker thread, so
// it keeps relaying while a test blocks its own event loop on purpose (to let the native core queue
// events that JavaScript has not drained yet).
//
//   const proxy = await startTcpProxy(env().url, { latencyMs: 300 })
//   proxy.url                    replaces the gateway URL
//   await proxy.set({ mode, latencyMs })   latency: every chunk, both directions, order kept
//     mode (for connections accepted from then on):
//       'pass'               relay both ways
//       'mute'               accept, read, never answer (a server that hangs)
//       'cut-after-confirm'  relay until the server's bytes carry a (p)subscribe confirmation, then
//                            cut the connection (a server that confirms and drops)
//       'refuse-401'         answer HTTP 401 without asking the gateway (a token revoked meanwhile)
//   await proxy.connections()    connections accepted so far
//   await proxy.cutAll()         destroys every open connection (a dropped network)
//   await proxy.close()
const net = require('node:net')
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads')

const MODES = new Set(['pass', 'mute', 'cut-after-confirm', 'refuse-401'])
const CONFIRMATION = /data: p?subscribe,/
const UNAUTHORIZED_BODY = '{"error":"Unauthorized"}'

async function serve(targetUrl, { latencyMs = 0 } = {}) {
  const target = new URL(targetUrl)
  const sockets = new Set()
  let mode = 'pass'
  const proxy = {
    url: undefined,
    latencyMs,
    connections: 0,
    get mode() {
      return mode
    },
    set mode(value) {
      if (!MODES.has(value)) throw new Error(`unknown proxy mode ${JSON.stringify(value)}`)
      mode = value
    },
    cutAll() {
      for (const socket of sockets) socket.destroy()
    },
    close() {
      proxy.cutAll()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }

  const track = (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => socket.destroy())
  }

  // Forwards `from` → `to` after `proxy.latencyMs`; `onChunk` sees what was delivered.
  const relay = (from, to, onChunk = () => {}) =>
    from.on('data', (chunk) => {
      const deliver = () => {
        if (to.destroyed) return
        to.write(chunk)
        onChunk(chunk)
      }
      if (proxy.latencyMs > 0) setTimeout(deliver, proxy.latencyMs)
      else deliver()
    })

  const server = net.createServer((client) => {
    proxy.connections++
    track(client)
    const connectionMode = mode
    if (connectionMode === 'mute') {
      client.resume()
      return
    }
    if (connectionMode === 'refuse-401') {
      client.once('data', () =>
        client.end(
          `HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\n` +
            `content-length: ${UNAUTHORIZED_BODY.length}\r\nconnection: close\r\n\r\n${UNAUTHORIZED_BODY}`,
        ),
      )
      return
    }
    const upstream = net.connect(Number(target.port), target.hostname)
    track(upstream)
    // The server's end reaches the client after the chunks still delayed, and flushed (end, not destroy).
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => setTimeout(() => client.end(), proxy.latencyMs))
    let seen = ''
    relay(client, upstream)
    relay(upstream, client, (chunk) => {
      if (connectionMode !== 'cut-after-confirm') return
      seen = (seen + chunk.toString('latin1')).slice(-4096)
      if (CONFIRMATION.test(seen)) {
        upstream.destroy()
        client.end()
      }
    })
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  proxy.url = `http://127.0.0.1:${server.address().port}`
  return proxy
}

/** Main-thread handle: every call is a round trip to the worker. */
async function startTcpProxy(targetUrl, options = {}) {
  const worker = new Worker(__filename, { workerData: { targetUrl, options } })
  let next = 0
  const waiting = new Map()
  worker.on('message', ({ id, result, error }) => {
    const pending = waiting.get(id)
    waiting.delete(id)
    if (error) pending.reject(new Error(error))
    else pending.resolve(result)
  })
  worker.on('error', (error) => {
    for (const pending of waiting.values()) pending.reject(error)
    waiting.clear()
  })
  const ask = (op, arg) =>
    new Promise((resolve, reject) => {
      const id = next++
      waiting.set(id, { resolve, reject })
      worker.postMessage({ id, op, arg })
    })
  const url = await ask('url')
  return {
    url,
    set: (settings) => ask('set', settings),
    connections: () => ask('connections'),
    cutAll: () => ask('cutAll'),
    async close() {
      await ask('close')
      await worker.terminate()
    },
  }
}

if (!isMainThread && workerData?.targetUrl) {
  const ready = serve(workerData.targetUrl, workerData.options)
  parentPort.on('message', async ({ id, op, arg }) => {
    try {
      const proxy = await ready
      let result
      if (op === 'url') result = proxy.url
      else if (op === 'set') {
        if (arg.mode !== undefined) proxy.mode = arg.mode
        if (arg.latencyMs !== undefined) proxy.latencyMs = arg.latencyMs
      } else if (op === 'connections') result = proxy.connections
      else if (op === 'cutAll') proxy.cutAll()
      else if (op === 'close') await proxy.close()
      parentPort.postMessage({ id, result })
    } catch (error) {
      parentPort.postMessage({ id, error: error.message })
    }
  })
}

module.exports = { startTcpProxy }
