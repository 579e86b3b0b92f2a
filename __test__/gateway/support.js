'use strict'
// Plumbing shared by the gateway suites (not a suite itself):
//   send()          raw HTTP with full control over bytes, headers, method and token
//   cmd/pipeline/multiExec   thin JSON wrappers over send()
//   openStream()    a Server-Sent-Events reader for /subscribe and /psubscribe
//   sdk()/direct()  official @upstash/redis client / ioredis straight to redis (oracle)
//   waitUntil()/within()   bounded polling / a deadline on any promise: every wait has one
//   expectError()/expectResult()   the `{"error"}` / `{"result"}` envelope assertions
const http = require('node:http')
const crypto = require('node:crypto')
const { Redis } = require('@upstash/redis')
const IORedis = require('ioredis')
const { env } = require('../helpers')

// helpers.rawRequest() returns text only and rejects when the request write fails; these suites
// also need the raw reply bytes (RESP2), the elapsed time, and a response that arrives before the
// server read the whole body (413), hence send() below.
function gateway() {
  const { url, token } = env()
  return { url: url.replace(/\/$/, ''), token }
}

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

const cmd = (args, opts = {}) => send({ ...opts, body: args })
const pipeline = (rows, opts = {}) => send({ ...opts, path: '/pipeline', body: rows })
const multiExec = (rows, opts = {}) => send({ ...opts, path: '/multi-exec', body: rows })
const BASE64 = { 'upstash-encoding': 'base64' }

/** Asserts a JSON error envelope: exactly `{"error": string}` with the given status. */
function expectError(res, status, pattern) {
  expect({ status: res.status, text: res.text }).toEqual({ status, text: expect.any(String) })
  expect(res.headers['content-type']).toMatch(/^application\/json/)
  expect(res.json).toEqual({ error: expect.any(String) })
  if (pattern) expect(res.json.error).toMatch(pattern)
}

/** Asserts `200 {"result": expected}`. */
function expectResult(res, expected) {
  expect({ status: res.status, json: res.json }).toEqual({ status: 200, json: { result: expected } })
}

/**
 * Opens an SSE stream (`POST path`, `Accept: text/event-stream`). Resolves once headers arrive with
 * `{status, headers, events, waitFor(predicate|string, timeoutMs), ended, close()}`; `events`
 * collects the payload of every `data: ` line in arrival order, `ended` resolves when the server
 * ends the response.
 */
function openStream(path, { token = gateway().token, headers = {}, url, timeoutMs = 5000 } = {}) {
  const opts = requestOptions({
    method: 'POST',
    path,
    headers: { accept: 'text/event-stream', 'content-type': 'application/json', ...headers },
    token,
    url,
  })
  return new Promise((resolve, reject) => {
    const req = http.request(opts)
    const timer = setTimeout(() => {
      req.destroy()
      reject(new Error(`no response headers within ${timeoutMs} ms: POST ${path}`))
    }, timeoutMs)
    req.on('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
    req.on('response', (res) => {
      clearTimeout(timer)
      const events = []
      const waiters = new Set()
      let pending = ''
      let ended = false
      let markEnded
      const endedPromise = new Promise((r) => {
        markEnded = r
      })
      const check = () => {
        for (const w of waiters) {
          const hit = events.find(w.match)
          if (hit !== undefined) {
            waiters.delete(w)
            clearTimeout(w.timer)
            w.resolve(hit)
          } else if (ended) {
            waiters.delete(w)
            clearTimeout(w.timer)
            w.reject(new Error(`stream ended before the expected event; got ${JSON.stringify(events)}`))
          }
        }
      }
      res.setEncoding('utf8')
      res.on('data', (chunk) => {
        pending += chunk
        const lines = pending.split('\n')
        pending = lines.pop()
        for (const line of lines) {
          const l = line.replace(/\r$/, '')
          if (l.startsWith('data: ')) events.push(l.slice(6))
        }
        check()
      })
      const finish = () => {
        ended = true
        markEnded()
        check()
      }
      res.on('end', finish)
      res.on('close', finish)
      res.on('error', finish)
      resolve({
        status: res.statusCode,
        headers: res.headers,
        events,
        ended: endedPromise,
        waitFor(expected, ms = 5000) {
          const match = typeof expected === 'function' ? expected : (e) => e === expected
          return new Promise((res2, rej2) => {
            const w = { match, resolve: res2, reject: rej2 }
            w.timer = setTimeout(() => {
              waiters.delete(w)
              rej2(new Error(`no event matching ${expected} within ${ms} ms; got ${JSON.stringify(events)}`))
            }, ms)
            waiters.add(w)
            check()
          })
        },
        close() {
          res.destroy()
          req.destroy()
        },
      })
    })
    req.end('[]')
  })
}

/** Polls `fn` until it returns a truthy value; throws with the last value after `timeoutMs`. */
async function waitUntil(fn, { timeoutMs = 5000, intervalMs = 50, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs
  let last
  for (;;) {
    last = await fn()
    if (last) return last
    if (Date.now() > deadline)
      throw new Error(`${what} not reached within ${timeoutMs} ms (last: ${JSON.stringify(last)})`)
    await new Promise((r) => setTimeout(r, intervalMs))
  }
}

/** Resolves like `promise`, or rejects once `ms` have passed. */
function within(promise, ms, what = 'operation') {
  let timer
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms)
  })
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer))
}

/** Official SDK client pointed at the gateway (defaults: base64, auto-pipelining, read-your-writes). */
function sdk(opts = {}) {
  const { url, token } = gateway()
  return new Redis({ url, token, enableTelemetry: false, ...opts })
}

/** ioredis straight to the backing redis-server: an oracle independent of the gateway. Call quit(). */
function direct() {
  return new IORedis(env().redisUrl, { maxRetriesPerRequest: 1 })
}

const sha1 = (text) => crypto.createHash('sha1').update(text).digest('hex')
const b64 = (s) => Buffer.from(s).toString('base64')

module.exports = {
  gateway,
  send,
  cmd,
  pipeline,
  multiExec,
  BASE64,
  expectError,
  expectResult,
  openStream,
  waitUntil,
  within,
  sdk,
  direct,
  sha1,
  b64,
}
