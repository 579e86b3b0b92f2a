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

// Fractions of command requests given a simulated fault; off (0) unless given.
const FRACTIONS = ['failRate', 'dropAfterApply', 'stall']

/** `latency`: milliseconds, or `[min, max]` for jitter → the binding's latencyMin/latencyMax. */
function latencyRange(latency) {
  if (latency === undefined) return {}
  const [min, max] = Array.isArray(latency) ? latency : [latency, latency]
  const ms = (n) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff
  if (!ms(min) || !ms(max) || min > max || (Array.isArray(latency) && latency.length !== 2)) {
    throw new RangeError(
      `latency must be whole milliseconds or [min, max] with min <= max, got ${JSON.stringify(latency)}`,
    )
  }
  return { latencyMin: min, latencyMax: max }
}

/**
 * @param {{ redis?: string, host?: string, port?: number, token: string, maxBody?: number,
 *   maxReply?: number, poolSize?: number, poolTimeout?: number, maxStreams?: number,
 *   tlsCert?: string, tlsKey?: string, latency?: number | [number, number], failRate?: number,
 *   dropAfterApply?: number, stall?: number, seed?: number, verbose?: boolean }} options
 * @returns {Promise<import('../binding').GatewayHandle>}
 */
async function startGateway(options) {
  const { redis = DEFAULTS.redis, port = DEFAULTS.port, token, tlsCert, tlsKey } = options || {}
  // A null host has always meant the default one.
  const host = options?.host ?? DEFAULTS.host
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
  const simulation = latencyRange(options.latency)
  for (const name of FRACTIONS) {
    const value = options[name]
    if (value === undefined) continue
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
      throw new RangeError(`${name} must be a fraction from 0 to 1, got ${value}`)
    }
    simulation[name] = value
  }
  if (options.seed !== undefined) {
    if (!Number.isInteger(options.seed) || options.seed < 0 || options.seed > 0xffffffff) {
      throw new RangeError(`seed must be a whole number from 0 to ${0xffffffff}, got ${options.seed}`)
    }
    simulation.seed = options.seed
  }
  const { verbose } = options
  if (verbose !== undefined && typeof verbose !== 'boolean') {
    throw new TypeError(`verbose must be true or false, got ${JSON.stringify(verbose)}`)
  }
  return binding.startGateway({ redis, host, port, token, ...counts, tlsCert, tlsKey, ...simulation, verbose })
}

/** The two lines a Next.js app puts in `.env.local` to use this gateway. */
function envLines(url, token) {
  return `UPSTASH_REDIS_REST_URL=${url}\nUPSTASH_REDIS_REST_TOKEN=${token}`
}

module.exports = { startGateway, envLines, DEFAULTS }
