'use strict'
// Start the local Upstash-compatible gateway inside this Node process.
const binding = require('./native.js')

const DEFAULTS = Object.freeze({
  redis: 'redis://127.0.0.1:6379',
  host: '127.0.0.1',
  port: 8079,
})

/**
 * @param {{ redis?: string, host?: string, port?: number, token: string, maxBody?: number }} options
 * @returns {Promise<import('../binding').GatewayHandle>}
 */
async function startGateway(options) {
  const { redis = DEFAULTS.redis, host = DEFAULTS.host, port = DEFAULTS.port, token, maxBody } = options || {}
  if (typeof token !== 'string' || token.trim() === '') {
    throw new TypeError('startGateway needs a token (clients send it as UPSTASH_REDIS_REST_TOKEN)')
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`port must be an integer from 0 to 65535, got ${port}`)
  }
  if (maxBody !== undefined && (!Number.isInteger(maxBody) || maxBody < 1 || maxBody > 0xffffffff)) {
    throw new RangeError(`maxBody must be a positive number of bytes, got ${maxBody}`)
  }
  return binding.startGateway({ redis, host, port, token, maxBody })
}

/** The two lines a Next.js app puts in `.env.local` to use this gateway. */
function envLines(url, token) {
  return `UPSTASH_REDIS_REST_URL=${url}\nUPSTASH_REDIS_REST_TOKEN=${token}`
}

module.exports = { startGateway, envLines, DEFAULTS }
