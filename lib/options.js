'use strict'
// Constructor arguments → one options object, the way ioredis and @upstash/redis users write them.
//
// Every option is checked here, once, when the client is built: a value that would silently mean
// something else (`0` as a 1 ms timeout, `Infinity` as "no retries", a typo'd encoding as the
// default) is refused with a TypeError/RangeError naming the option. Missing url/token is not an
// error yet: `next build` and CI load modules that build a client without any secrets, so the
// client is built and its first command rejects (`missingConfiguration()`).

const { wellFormed } = require('./arguments.js')
const { ConfigError } = require('./errors.js')

const URL_VARS = ['UPSTASH_REDIS_REST_URL', 'KV_REST_API_URL']
const TOKEN_VARS = ['UPSTASH_REDIS_REST_TOKEN', 'KV_REST_API_TOKEN']

/** Node timers fire after 1 ms for any longer delay, so no millisecond option may exceed this. */
const MAX_TIMER_MS = 2 ** 31 - 1
const MAX_U32 = 2 ** 32 - 1

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
  // Idle keep-alive connections kept: as many as requests may be in flight, or a busy client closes
  // and reopens connections (a handshake each) between its waves of requests.
  poolSize: 64,
  // Requests in flight at once (docs/ordering.md: 64 by measurement through a delay proxy) and the
  // cap on commands waiting to be sent.
  maxInFlight: 64,
  maxQueuedCommands: 100000,
  allowInsecureHttp: false,
  showFriendlyErrorStack: false,
  // ioredis: integer replies (and, with replyMapping 'resp3', doubles) as their exact decimal text.
  stringNumbers: false,
  // ioredis 6's defaults: RESP3 on the wire (REST always carries RESP2: `protocol` only takes part
  // in the replyMapping check below) and the legacy reply shapes.
  protocol: 3,
  replyMapping: 'legacy',
})

/**
 * What the native transport is given where no option sets it (the transport keeps no defaults of
 * its own: `nativeOptions()` passes every value). The request timeout bounds one attempt without an
 * answer when `commandTimeout` is unset, and how long a subscription may wait for its confirmation;
 * retries back off `min(base × 2^(n-1), cap)` without a `retryStrategy`.
 */
const TRANSPORT_DEFAULTS = Object.freeze({
  requestTimeoutMs: 30000,
  retryBaseMs: 50,
  retryCapMs: 2000,
})

/** What an HTTP header value can carry (the `http` crate's rule): visible ASCII, space and tab. */
const HEADER_VALUE = /^[\x20-\x7e\t]*$/
const isHeaderValue = (text) => HEADER_VALUE.test(text)

/** `maxRetriesPerRequest: null` (ioredis: retry without limit) is capped here. */
const UNLIMITED_RETRIES = 10

const describeValue = (v) => (typeof v === 'string' ? `the string ${JSON.stringify(v)}` : String(v))

/**
 * Each option's rule. `null` counts as "not given" for every option (ioredis treats null as its
 * default, e.g. `connectionName: null`), except two where ioredis gives it a meaning:
 * `maxRetriesPerRequest: null` is "no limit", `retryStrategy: null` is "never retry".
 */
const RULES = {
  keyPrefix(v) {
    if (typeof v !== 'string') throw new TypeError(`keyPrefix must be a string, got ${describeValue(v)}`)
    if (wellFormed(v) !== v) throw new TypeError('keyPrefix contains a lone UTF-16 surrogate, which no key can hold')
  },
  commandTimeout(v) {
    milliseconds('commandTimeout', v, '0 or omitted = no timeout')
  },
  maxRetriesPerRequest(v) {
    if (v === null) return
    if (!Number.isInteger(v) || v < 0 || v > MAX_U32) {
      throw new RangeError(
        `maxRetriesPerRequest must be a whole number ≥ 0 (0 = no retries) or null (retry up to ${UNLIMITED_RETRIES} ` +
          `times), got ${describeValue(v)}`,
      )
    }
  },
  retryStrategy(v) {
    if (typeof v !== 'function') {
      throw new TypeError(`retryStrategy must be a function (times) => delay in ms, got ${describeValue(v)}`)
    }
  },
  lazyConnect: boolean('lazyConnect'),
  enableAutoPipelining: boolean('enableAutoPipelining'),
  readYourWrites: boolean('readYourWrites'),
  allowInsecureHttp: boolean('allowInsecureHttp'),
  showFriendlyErrorStack: boolean('showFriendlyErrorStack'),
  stringNumbers: boolean('stringNumbers'),
  protocol(v) {
    if (v !== 2 && v !== 3) throw new RangeError(`protocol must be 2 or 3, got ${describeValue(v)}`)
  },
  replyMapping(v) {
    if (v !== 'legacy' && v !== 'resp3') {
      throw new TypeError(`replyMapping must be 'legacy' (RESP2 shapes) or 'resp3', got ${describeValue(v)}`)
    }
  },
  scripts(v) {
    if (typeof v !== 'object' || Array.isArray(v)) {
      throw new TypeError(`scripts must be an object of name → { lua, numberOfKeys? }, got ${describeValue(v)}`)
    }
  },
  responseEncoding(v) {
    if (v !== 'base64' && v !== 'resp2') {
      throw new TypeError(
        `responseEncoding must be 'base64' (JSON with base64 strings, the default) or 'resp2' (raw RESP2), got ` +
          `${describeValue(v)}; plain JSON (@upstash/redis's false) is not offered: it cannot carry binary replies`,
      )
    }
  },
  maxBatchCommands: count('maxBatchCommands', 1),
  maxBatchBytes: count('maxBatchBytes', 1),
  poolSize: count('poolSize', 0, '0 = keep no idle connection'),
  maxInFlight: count('maxInFlight', 1, '1 = one request at a time'),
  maxQueuedCommands: count('maxQueuedCommands', 1),
  tls(v) {
    tlsPems(v)
  },
  // ioredis options that choose *which* data the client reads and writes: ignoring them would
  // silently point the client at the environment's database instead.
  db(v) {
    if (v !== 0) throw new RangeError(`db must be 0: the Upstash REST API has one database, got ${describeValue(v)}`)
  },
  host: tcpOnly('host'),
  port: tcpOnly('port'),
  path: tcpOnly('path'),
  sentinels: tcpOnly('sentinels'),
}

function milliseconds(name, v, zero) {
  if (typeof v !== 'number' || Number.isNaN(v) || v < 0 || v > MAX_TIMER_MS) {
    throw new RangeError(
      `${name} must be a number of milliseconds from 0 to ${MAX_TIMER_MS} (${zero}), got ${describeValue(v)}`,
    )
  }
}

function boolean(name) {
  return (v) => {
    if (typeof v !== 'boolean') throw new TypeError(`${name} must be true or false, got ${describeValue(v)}`)
  }
}

function count(name, min, note) {
  return (v) => {
    if (!Number.isInteger(v) || v < min || v > MAX_U32) {
      throw new RangeError(
        `${name} must be a whole number ≥ ${min}${note ? ` (${note})` : ''}, got ${describeValue(v)}`,
      )
    }
  }
}

function tcpOnly(name) {
  return () => {
    throw new TypeError(
      `${name} is an ioredis TCP option; this client speaks the Upstash REST API: pass { url: 'https://…', token } ` +
        `or set ${URL_VARS[0]} / ${TOKEN_VARS[0]}`,
    )
  }
}

function fromEnv(env, names) {
  for (const name of names) {
    const value = env[name]
    if (typeof value === 'string' && value.trim() !== '') return value.trim()
  }
  return undefined
}

/** An explicit url/token: a non-empty string wins, "" / undefined / null fall back to the environment. */
function explicit(name, value) {
  if (value === undefined || value === null) return undefined
  if (name === 'url' && value instanceof URL) return value.href
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string, got ${typeof value}`)
  return value.trim() || undefined
}

/**
 * Accepts `()`, `(url)`, `(url, options)`, `(options)`; url and token fall back to
 * UPSTASH_REDIS_REST_URL/TOKEN, then Vercel KV's KV_REST_API_URL/TOKEN. The token is kept on the
 * result as a non-enumerable property, so inspecting, logging, spreading or JSON-encoding the
 * options never shows it.
 */
function resolveOptions(args, env = process.env) {
  let options = {}
  for (const arg of args) {
    if (arg === undefined || arg === null) continue
    if (typeof arg === 'string' || arg instanceof URL) options = { ...options, url: arg }
    else if (typeof arg === 'object') options = { ...arg, ...options }
    else throw new TypeError(`new Redis(): unexpected argument ${typeof arg}; pass a REST URL and/or an options object`)
  }
  const { url: givenUrl, token: givenToken, ...rest } = options
  const given = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined && v !== null))
  for (const [name, value] of Object.entries(given)) if (Object.hasOwn(RULES, name)) RULES[name](value)
  // Two nulls with a meaning of their own in ioredis: no retry limit, and no retries at all.
  for (const name of ['maxRetriesPerRequest', 'retryStrategy']) if (rest[name] === null) given[name] = null

  const url = explicit('url', givenUrl) ?? fromEnv(env, URL_VARS)
  const token = explicit('token', givenToken) ?? fromEnv(env, TOKEN_VARS)
  const merged = { ...DEFAULTS, ...given }
  // ioredis's own rule, with its words.
  if (merged.replyMapping === 'resp3' && merged.protocol !== 3) {
    throw new Error('The "resp3" replyMapping is only supported with protocol 3')
  }
  if (url) {
    checkUrl(url, merged.allowInsecureHttp)
    tlsCa(merged.tls, url)
  }
  // Checked here rather than by the transport so that lazyConnect clients fail as early.
  if (token && !isHeaderValue(token)) {
    throw new ConfigError(
      'the REST token contains characters that cannot be sent in an HTTP header (a line break, or ' +
        'non-ASCII text?); copy it again from the Upstash console',
    )
  }
  // The URL's only normalisation (white space went in explicit()/fromEnv()): the transport joins
  // paths onto it as given.
  const resolved = { ...merged, url: url ? url.replace(/\/+$/, '') : undefined }
  // A getter, not a value: even util.inspect(…, { showHidden: true }) shows only "[Getter]".
  Object.defineProperty(resolved, 'token', { get: () => token, enumerable: false })
  return resolved
}

/** The error of a command sent by a client that has no url or token; undefined when it has both. */
function missingConfiguration(options) {
  const missing = []
  if (!options.url) missing.push(`the REST URL: pass { url } or set ${URL_VARS.join(' or ')}`)
  if (!options.token) missing.push(`the REST token: pass { token } or set ${TOKEN_VARS.join(' or ')}`)
  if (missing.length === 0) return undefined
  return new ConfigError(
    `Upstash Redis is not configured. Missing ${missing.join('; and ')}. ` +
      '(For a local gateway run `fragment-redis gateway`; it prints both lines for .env.local.)',
    'ERR_MISSING_CONFIG',
  )
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\]|\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\])$/i

/** Refuses what cannot be an Upstash endpoint, at construction rather than on every command. */
function checkUrl(url, allowInsecureHttp) {
  // Credentials and queries (`?_token=…`) in the URL are never echoed, nor sent: the token travels
  // as a Bearer header only.
  const shown = JSON.stringify(
    url
      .replace(/\/\/[^/@]*@/, '//<credentials>@')
      .replace(/([?#]).*$/s, '$1…')
      .slice(0, 80),
  )
  const invalid = (why) => new Error(`Invalid Upstash REST URL ${shown}: ${why}`)
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
  if (parsed.username || parsed.password) throw invalid('it must not carry credentials; pass the token as { token }')
  if (parsed.protocol === 'http:' && !allowInsecureHttp && !LOOPBACK.test(parsed.hostname)) {
    throw invalid(
      `http:// would send the token in clear text to ${parsed.hostname}. Use https:// (every Upstash endpoint ` +
        'is HTTPS); http:// is accepted for this machine only (localhost, 127.0.0.1, ::1). For a gateway on a ' +
        'trusted private network, pass { allowInsecureHttp: true }',
    )
  }
}

/** A millisecond option as a timer delay: undefined for none (0 or not set), else whole ms ≥ 1. */
function timeoutMs(value) {
  return value ? Math.ceil(value) : undefined
}

/**
 * What the native transport needs, from the ioredis-style options: every field of the binding's
 * `NativeClientOptions` (binding.d.ts), each already checked here: the binding copies them as they
 * are. Only `tlsCa` may be absent (no `tls: { ca }`: the built-in roots).
 */
function nativeOptions(o) {
  return {
    url: o.url,
    token: o.token,
    responseEncoding: o.responseEncoding,
    readYourWrites: o.readYourWrites,
    requestTimeoutMs: timeoutMs(o.commandTimeout) ?? TRANSPORT_DEFAULTS.requestTimeoutMs,
    ...retries(o),
    poolSize: o.poolSize,
    tlsCa: tlsCa(o.tls, o.url),
  }
}

/**
 * What the dispatcher (lib/dispatcher.js) needs: it alone decides what leaves together, so the caps
 * of one auto-pipelined request go there and nowhere else (the transport sends each request as
 * it is given). Without auto-pipelining every command leaves on its own.
 */
function dispatchOptions(o) {
  return {
    commandTimeout: o.commandTimeout,
    maxQueuedCommands: o.maxQueuedCommands,
    maxInFlight: o.maxInFlight,
    maxBatchCommands: o.enableAutoPipelining ? o.maxBatchCommands : 1,
    maxBatchBytes: o.maxBatchBytes,
    stringNumbers: o.stringNumbers,
  }
}

/**
 * `tls: { ca }` (PEM string/Buffer, or an array of them): the certificates to trust instead of the
 * built-in roots, as Node's `tls.ca`. Verification cannot be turned off, so `rejectUnauthorized:
 * false` (and any other TLS option) is refused here rather than ignored.
 */
function tlsCa(tls, url) {
  const pems = tlsPems(tls)
  if (pems === undefined) return undefined
  if (!/^https:/i.test(url)) throw new Error('tls: { ca } needs an https:// URL')
  return pems
}

/** The PEM text of `tls: { ca }` (undefined without one); throws for any other TLS option. */
function tlsPems(tls) {
  if (tls === undefined || tls === null) return undefined
  if (typeof tls !== 'object') throw new TypeError('tls must be an object such as { ca }')
  for (const key of Object.keys(tls)) {
    if (key === 'rejectUnauthorized' && tls[key] === false) {
      throw new TypeError(
        'tls.rejectUnauthorized: false is not supported: certificate verification cannot be turned off. Pass the CA that signed the server certificate as tls: { ca }',
      )
    }
    if (key !== 'ca' && !(key === 'rejectUnauthorized' && tls[key] === true)) {
      throw new TypeError(`tls.${key} is not supported: only tls: { ca } is`)
    }
  }
  if (tls.ca === undefined) return undefined
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
 * Delays are clamped to [0, MAX_TIMER_MS] (NaN → 0, like a timer).
 */
function retries(o) {
  const maxRetries = o.maxRetriesPerRequest === null ? UNLIMITED_RETRIES : o.maxRetriesPerRequest
  const { retryBaseMs, retryCapMs } = TRANSPORT_DEFAULTS
  if (o.retryStrategy === null) return { maxRetries: 0, retryBaseMs, retryCapMs }
  if (typeof o.retryStrategy !== 'function') return { maxRetries, retryBaseMs, retryCapMs }
  const first = o.retryStrategy(1)
  if (typeof first !== 'number') return { maxRetries: 0, retryBaseMs, retryCapMs }
  const cap = o.retryStrategy(20)
  const delay = (v) => (Number.isNaN(v) ? 0 : Math.round(Math.min(Math.max(v, 0), MAX_TIMER_MS)))
  const base = delay(first)
  return { maxRetries, retryBaseMs: base, retryCapMs: Math.max(base, typeof cap === 'number' ? delay(cap) : base) }
}

module.exports = {
  resolveOptions,
  nativeOptions,
  dispatchOptions,
  missingConfiguration,
  isHeaderValue,
  timeoutMs,
  DEFAULTS,
  TRANSPORT_DEFAULTS,
}
