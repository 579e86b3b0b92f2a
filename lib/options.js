'use strict'
// Constructor arguments → one options object, the way ioredis and @upstash/redis users write them.

const URL_VARS = ['UPSTASH_REDIS_REST_URL', 'KV_REST_API_URL']
const TOKEN_VARS = ['UPSTASH_REDIS_REST_TOKEN', 'KV_REST_API_TOKEN']

const DEFAULTS = Object.freeze({
  keyPrefix: '',
  commandTimeout: undefined,
  maxRetriesPerRequest: 3,
  retryStrategy: undefined,
  lazyConnect: false,
  enableAutoPipelining: true,
  readYourWrites: true,
  responseEncoding: 'base64',
  maxBatchCommands: 1000,
  maxBatchBytes: 1024 * 1024,
  poolSize: 16,
})

function fromEnv(env, names) {
  for (const name of names) {
    const value = env[name]
    if (typeof value === 'string' && value.trim() !== '') return value.trim()
  }
  return undefined
}

/**
 * Accepts `()`, `(url)`, `(url, options)`, `(options)`; url and token fall back to
 * UPSTASH_REDIS_REST_URL/TOKEN, then Vercel KV's KV_REST_API_URL/TOKEN.
 */
function resolveOptions(args, env = process.env) {
  let options = {}
  for (const arg of args) {
    if (arg === undefined || arg === null) continue
    if (typeof arg === 'string') options = { ...options, url: arg }
    else if (typeof arg === 'object') options = { ...arg, ...options }
    else throw new TypeError(`new Redis(): unexpected argument ${typeof arg}; pass a REST URL and/or an options object`)
  }
  const merged = { ...DEFAULTS, ...dropUndefined(options) }
  const url = (typeof merged.url === 'string' && merged.url.trim()) || fromEnv(env, URL_VARS)
  const token = (typeof merged.token === 'string' && merged.token.trim()) || fromEnv(env, TOKEN_VARS)
  if (!url) {
    throw new Error(
      `Missing Upstash REST URL: pass { url } or set ${URL_VARS.join(' or ')} (for a local gateway run \`fragment-redis gateway\`)`,
    )
  }
  if (!token) {
    throw new Error(`Missing Upstash REST token: pass { token } or set ${TOKEN_VARS.join(' or ')}`)
  }
  checkUrl(url)
  if (merged.keyPrefix != null && typeof merged.keyPrefix !== 'string')
    throw new TypeError('keyPrefix must be a string')
  return { ...merged, url: url.replace(/\/+$/, ''), token }
}

/** Refuses what cannot be an Upstash endpoint, at construction rather than on every command. */
function checkUrl(url) {
  const invalid = (why) => new Error(`Invalid Upstash REST URL ${JSON.stringify(url.slice(0, 80))}: ${why}`)
  let parsed
  try {
    parsed = new URL(url)
  } catch {
    throw invalid('it is not a URL (expected https://<host>, or http://127.0.0.1:<port> for a local gateway)')
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw invalid('it must start with https:// (or http:// for a local gateway)')
  if (!parsed.hostname) throw invalid('the host is missing')
  if (/\s/.test(url)) throw invalid('it contains white space')
  if (parsed.search || parsed.hash) throw invalid('it must not carry a query or fragment')
}

function dropUndefined(object) {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined))
}

/** What the native transport needs, from the ioredis-style options. */
function nativeOptions(o) {
  const ms = (v) => (v === undefined || v === null ? undefined : Math.max(1, Math.round(v)))
  return {
    url: o.url,
    token: o.token,
    responseFormat: o.responseEncoding === 'resp2' ? 'resp2' : 'base64',
    readYourWrites: o.readYourWrites !== false,
    maxBatchCommands: o.enableAutoPipelining === false ? 1 : o.maxBatchCommands,
    maxBatchBytes: o.maxBatchBytes,
    requestTimeoutMs: ms(o.commandTimeout),
    ...retries(o),
    poolSize: o.poolSize,
    tlsCa: tlsCa(o.tls, o.url),
  }
}

/**
 * `tls: { ca }` (PEM string/Buffer, or an array of them): the certificates to trust instead of the
 * built-in roots, as Node's `tls.ca`. Verification cannot be turned off, so `rejectUnauthorized:
 * false` (and any other TLS option) is refused here rather than ignored.
 */
function tlsCa(tls, url) {
  if (tls === undefined || tls === null) return undefined
  if (typeof tls !== 'object') throw new TypeError('tls must be an object such as { ca }')
  for (const key of Object.keys(tls)) {
    if (key === 'rejectUnauthorized' && tls[key] === false) {
      throw new Error(
        'tls.rejectUnauthorized: false is not supported: certificate verification cannot be turned off. Pass the CA that signed the server certificate as tls: { ca }',
      )
    }
    if (key !== 'ca' && !(key === 'rejectUnauthorized' && tls[key] === true)) {
      throw new Error(`tls.${key} is not supported: only tls: { ca } is`)
    }
  }
  if (tls.ca === undefined) return undefined
  if (!/^https:/i.test(url)) throw new Error('tls: { ca } needs an https:// URL')
  const list = Array.isArray(tls.ca) ? tls.ca : [tls.ca]
  const pems = list.map((c) => {
    if (typeof c === 'string') return c
    if (Buffer.isBuffer(c)) return c.toString('utf8')
    throw new TypeError('tls.ca must be PEM text: a string, a Buffer, or an array of them')
  })
  return pems.join('\n')
}

/**
 * Retries run inside the native core, so a `retryStrategy(times)` function is sampled once for its
 * first delay and its cap; returning a non-number (ioredis: "stop retrying") turns retries off.
 */
function retries(o) {
  const maxRetries = o.maxRetriesPerRequest === null ? 10 : Math.max(0, o.maxRetriesPerRequest | 0)
  if (typeof o.retryStrategy !== 'function') return { maxRetries }
  const first = o.retryStrategy(1)
  if (typeof first !== 'number') return { maxRetries: 0 }
  const cap = o.retryStrategy(20)
  return {
    maxRetries,
    retryBaseMs: Math.max(0, first | 0),
    retryCapMs: Math.max(first, typeof cap === 'number' ? cap : first) | 0,
  }
}

module.exports = { resolveOptions, nativeOptions, DEFAULTS }
