'use strict'
// The one raw HTTP client of the suites: full control over bytes, headers, method and token, the
// reply's raw bytes (RESP2) and elapsed time, and a response that arrives before the server read
// the whole body (413) still resolves.
const http = require('node:http')
const { gateway } = require('./env')

/** Node http.request options for a request to the global gateway (or `url`), with the Bearer token unless `token` is null. */
function requestOptions({ method, path, headers, token, url }) {
  const target = new URL((url || gateway().url).replace(/\/$/, '') + path)
  const all = { ...headers }
  if (token != null) all.authorization = `Bearer ${token}`
  return {
    host: target.hostname,
    port: target.port,
    path: target.pathname + target.search,
    method,
    headers: all,
    agent: false, // fresh connection: one bad request never poisons another test's socket
  }
}

function encodeBody(body, headers) {
  if (body === undefined) return undefined
  if (Buffer.isBuffer(body) || typeof body === 'string') return body
  if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['content-type'] = 'application/json'
  }
  return JSON.stringify(body)
}

/**
 * One HTTP request. `body`: Buffer/string sent verbatim (no Content-Type added), anything else
 * JSON-encoded. `token`: defaults to the gateway token, `null` sends no Authorization header.
 * `url`: another gateway than the global one. Resolves `{status, headers, body: Buffer, text,
 * json, ms}`; rejects on transport error or timeout.
 */
function send({
  method = 'POST',
  path = '/',
  body,
  headers = {},
  token = gateway().token,
  url,
  timeoutMs = 10000,
} = {}) {
  const hdrs = { ...headers }
  const payload = encodeBody(body, hdrs)
  // Explicit framing: Node sends DELETE/PATCH bodies without Content-Length otherwise.
  if (payload !== undefined) hdrs['content-length'] = Buffer.byteLength(payload)
  const opts = requestOptions({ method, path, headers: hdrs, token, url })
  const started = Date.now()
  return new Promise((resolve, reject) => {
    let responded = false
    const req = http.request(opts, (res) => {
      responded = true
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('error', reject)
      res.on('end', () => {
        clearTimeout(timer)
        const buf = Buffer.concat(chunks)
        const text = buf.toString('utf8')
        let json
        try {
          json = JSON.parse(text)
        } catch {
          json = undefined
        }
        resolve({ status: res.statusCode, headers: res.headers, body: buf, text, json, ms: Date.now() - started })
      })
    })
    const timer = setTimeout(() => {
      req.destroy()
      reject(new Error(`no complete response within ${timeoutMs} ms: ${method} ${path}`))
    }, timeoutMs)
    // A server may answer (e.g. 413) before it has read the whole body; the write then fails.
    // That is fine as long as the response itself arrives.
    req.on('error', (err) => {
      if (!responded) {
        clearTimeout(timer)
        reject(err)
      }
    })
    req.end(payload)
  })
}

module.exports = { send, requestOptions }
