'use strict'
// A fault-injecting HTTP proxy in front of the real gateway: the one thing a test cannot get from
// a real server is a server that misbehaves on cue. Where the gateway's own flags make the fault
// (--stall, --latency, --drop-after-apply, --fail-rate for every request), suites use those instead
// (useSimulatedGateway() in ./common.js); this proxy is for what they cannot: a behaviour planned
// for one request of several, a reset before the gateway saw the request, answers no gateway
// gives (a 502 HTML page), and the record of what was sent.
//
//   const proxy = await startProxy(env().url);   // proxy.url replaces the gateway URL
//   proxy.plan('reset', 'pass');                  // behaviours for the next requests, in order
//   proxy.mode = 'stall';                         // behaviour once the plan is used up
//   proxy.requests                                // every request seen: { path, headers, body, behaviour }
//   proxy.reset()                                 // drop the plan, back to 'pass'
//
// Behaviours:
//   'pass'            forward to the gateway and relay its answer (status, headers, body)
//   'stall'           read the request, never answer (sockets are destroyed by close())
//   'reset'           read the request, then reset the TCP connection: the gateway never sees it
//   'forward-reset'   forward, wait for the gateway's answer, then reset instead of relaying it
//   { delayMs }       forward after a delay
//   { status, body }  answer this (body: string, default a JSON error)
const http = require('node:http')

const BEHAVIOURS = new Set(['pass', 'stall', 'reset', 'forward-reset'])

function check(behaviour) {
  const ok = BEHAVIOURS.has(behaviour) || (behaviour && typeof behaviour === 'object')
  if (!ok) throw new Error(`unknown proxy behaviour ${JSON.stringify(behaviour)}`)
  return behaviour
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

// Sends the recorded request on to the gateway; resolves { status, headers, body }.
function forward(target, req, body) {
  const headers = { ...req.headers, host: target.host, 'content-length': body.length }
  return new Promise((resolve, reject) => {
    const out = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent: false },
      (res) => {
        const chunks = []
        res.on('data', (c) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }))
        res.on('error', reject)
      },
    )
    out.setTimeout(10000, () => out.destroy(new Error('proxy: the gateway did not answer within 10 s')))
    out.on('error', reject)
    out.end(body)
  })
}

async function startProxy(targetUrl) {
  const target = new URL(targetUrl)
  const queue = []
  const requests = []
  const sockets = new Set()
  const proxy = {
    url: undefined,
    requests,
    mode: 'pass',
    /** Behaviours for the next requests, in order; `mode` applies after them. */
    plan(...behaviours) {
      queue.push(...behaviours.map(check))
      return proxy
    },
    /** Back to a plain pass-through with nothing planned (for afterEach). */
    reset() {
      queue.length = 0
      proxy.mode = 'pass'
    },
    /** Requests whose body or (decoded) path mentions `text`, e.g. a unique key. */
    requestsFor(text) {
      return requests.filter((r) => r.body.includes(text) || decodeURIComponent(r.path).includes(text))
    },
    close,
  }

  async function handle(req, res) {
    const body = await readBody(req)
    const behaviour = check(queue.length ? queue.shift() : proxy.mode)
    requests.push({ method: req.method, path: req.url, headers: req.headers, body: body.toString('utf8'), behaviour })
    try {
      if (behaviour === 'stall') return
      if (behaviour === 'reset') {
        req.socket.resetAndDestroy()
        return
      }
      if (behaviour.status !== undefined) {
        const text = behaviour.body ?? JSON.stringify({ error: `proxy: HTTP ${behaviour.status}` })
        res.writeHead(behaviour.status, { 'content-type': behaviour.contentType ?? 'application/json' })
        res.end(text)
        return
      }
      if (behaviour.delayMs) await new Promise((r) => setTimeout(r, behaviour.delayMs))
      const answer = await forward(target, req, body)
      if (behaviour === 'forward-reset') {
        req.socket.resetAndDestroy()
        return
      }
      const { 'transfer-encoding': _te, connection: _c, 'keep-alive': _ka, ...headers } = answer.headers
      res.writeHead(answer.status, { ...headers, 'content-length': answer.body.length })
      res.end(answer.body)
    } catch (error) {
      if (!res.headersSent) res.writeHead(599, { 'content-type': 'text/plain' })
      res.end(`proxy failure: ${error.message}`)
    }
  }

  // A client that goes away mid-request just loses its socket; nothing may reject unhandled.
  const server = http.createServer((req, res) => handle(req, res).catch(() => req.socket.destroy()))
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  proxy.url = `http://127.0.0.1:${server.address().port}`

  function close() {
    for (const socket of sockets) socket.destroy()
    return new Promise((resolve) => server.close(() => resolve()))
  }
  return proxy
}

module.exports = { startProxy }
