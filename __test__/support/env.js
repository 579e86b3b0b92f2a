'use strict'
// Where the global dev stack is (jest.config.js globalSetup sets the variables) and keys no other
// test uses.
const crypto = require('node:crypto')
const path = require('node:path')

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

/** The global gateway's URL (no trailing slash) and token. */
function gateway() {
  const { url, token } = env()
  return { url: url.replace(/\/$/, ''), token }
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

module.exports = { env, gateway, uniqueKey }
