'use strict'

// Shared by the suites: where the global dev stack is, collision-free keys, and a bare HTTP
// client for asserting exact status codes, headers and bodies of the gateway.

const crypto = require('node:crypto')
const http = require('node:http')
const path = require('node:path')

const REQUEST_TIMEOUT_MS = 10000

function env() {
  const {
    UPSTASH_REDIS_REST_URL: url,
    UPSTASH_REDIS_REST_TOKEN: token,
    FRAGMENT_TEST_REDIS_URL: redisUrl,
  } = process.env
  if (!url || !token || !redisUrl) {
    throw new Error('dev stack variables are missing; run the suites with jest (see jest.config.js globalSetup)')
  }
  return { url, token, redisUrl }
}

// Jest loads this module once per test file, so this id is per file and per run: suites share one
// redis without FLUSHALL and without touching each other's keys.
const fileId = crypto.randomBytes(4).toString('hex')
let counter = 0

function uniqueKey(prefix = 'key') {
  const state = typeof expect === 'function' ? expect.getState() : {}
  const file = state.testPath ? path.basename(state.testPath, '.test.js') : 'nofile'
  return `${prefix}:${file}:${fileId}:${++counter}`
}

// `body`: a string or Buffer is sent as is, anything else as JSON. `token: null` sends no
// Authorization header; `url` targets another gateway than the global one.
function rawRequest({ method = 'POST', path: reqPath = '/', body, headers = {}, token, url } = {}) {
  const base = new URL(url || env().url)
  const bearer = token === undefined ? env().token : token
  const payload = body === undefined || typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body)
  // Caller headers come last so a test can override these two (Node matches names case-insensitively).
  const allHeaders = {}
  if (bearer !== null) allHeaders.Authorization = `Bearer ${bearer}`
  if (payload !== undefined) allHeaders['Content-Length'] = Buffer.byteLength(payload)
  Object.assign(allHeaders, headers)

  return new Promise((resolve, reject) => {
    // agent: false — no keep-alive sockets left open to trip Jest's open-handle detection.
    const req = http.request(
      { hostname: base.hostname, port: base.port, method, path: reqPath, headers: allHeaders, agent: false },
      (res) => {
        const chunks = []
        res.on('data', (chunk) => chunks.push(chunk))
        res.on('error', reject)
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          let json
          try {
            json = JSON.parse(text)
          } catch {
            json = undefined
          }
          resolve({ status: res.statusCode, headers: res.headers, text, json })
        })
      },
    )
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`${method} ${reqPath} timed out`)))
    req.on('error', reject)
    req.end(payload)
  })
}

module.exports = { env, uniqueKey, rawRequest }
