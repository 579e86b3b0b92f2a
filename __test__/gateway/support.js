'use strict'
// Plumbing shared by the gateway suites (not a suite itself):
//   send()          raw HTTP (the shared one, __test__/support/http.js), re-exported
//   cmd/pipeline/multiExec   thin JSON wrappers over send()
//   openStream()    a Server-Sent-Events reader for /subscribe and /psubscribe
//   sdk()/direct()  official @upstash/redis client / ioredis straight to redis (oracle)
//   waitUntil()/within()   bounded polling / a deadline on any promise (__test__/support/time.js)
//   expectError()/expectResult()   the `{"error"}` / `{"result"}` envelope assertions
const http = require('node:http')
const crypto = require('node:crypto')
const { Redis } = require('@upstash/redis')
const IORedis = require('ioredis')
const { env, gateway, send, requestOptions, waitUntil, within } = require('../support')

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
