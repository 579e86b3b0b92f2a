'use strict'
// Start the local Upstash-compatible gateway inside this Node process.
const binding = require('./native.js')

const DEFAULTS = Object.freeze({
  redis: 'redis://127.0.0.1:6379',
  host: '127.0.0.1',
  port: 8079,
})

// Optional whole-number options: [name, smallest, largest]. Their defaults live in Rust
// (crates/gateway/src/config.rs); only what is given is passed on.
const COUNTS = [
  ['maxBody', 1, 0xffffffff],
  ['maxReply', 1, 0xffffffff],
  ['poolSize', 1, 0xffff],
  ['poolTimeout', 1, 0xffffffff],
  ['maxStreams', 1, 0xffff],
]

/**
 * @param {{ redis?: string, host?: string, port?: number, token: string, maxBody?: number,
 *   maxReply?: number, poolSize?: number, poolTimeout?: number, maxStreams?: number,
 *   tlsCert?: string, tlsKey?: string }} options
 * @returns {Promise<import('../binding').GatewayHandle>}
 */
async function startGateway(options) {
  const { redis = DEFAULTS.redis, host = DEFAULTS.host, port = DEFAULTS.port, token, tlsCert, tlsKey } = options || {}
  if (typeof token !== 'string' || token.trim() === '') {
    throw new TypeError('startGateway needs a token (clients send it as UPSTASH_REDIS_REST_TOKEN)')
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`port must be an integer from 0 to 65535, got ${port}`)
  }
  const counts = {}
  for (const [name, min, max] of COUNTS) {
    const value = options[name]
    if (value === undefined) continue
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(`${name} must be a whole number from ${min} to ${max}, got ${value}`)
    }
    counts[name] = value
  }
  for (const [name, value] of [
    ['tlsCert', tlsCert],
    ['tlsKey', tlsKey],
  ]) {
    if (value !== undefined && (typeof value !== 'string' || value === '')) {
      throw new TypeError(`${name} must be the path of a PEM file`)
    }
  }
  return binding.startGateway({ redis, host, port, token, ...counts, tlsCert, tlsKey })
}

/** The two lines a Next.js app puts in `.env.local` to use this gateway. */
function envLines(url, token) {
  return `UPSTASH_REDIS_REST_URL=${url}\nUPSTASH_REDIS_REST_TOKEN=${token}`
}

module.exports = { startGateway, envLines, DEFAULTS }
