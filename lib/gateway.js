'use strict'
// Start the local Upstash-compatible gateway inside this Node process, and the one table of its
// options (startGateway() name, CLI flag, environment variable, help) that the CLI's parser and
// `--help` are built from. Defaults and range checks live in Rust (crates/gateway/src/config.rs,
// src/gateway.rs); what is given is passed through.
const binding = require('./native.js')

// The defaults, as Rust applies them (`port` 8079, `maxRequestSize` 10 MB, …).
const DEFAULTS = Object.freeze({ ...binding.gatewayDefaults() })

/**
 * One row per option. `key`: the startGateway() option; `flag`/`env`: the CLI's spellings;
 * `arg`: what the flag takes (none: a switch); `kind`: what the value is — the CLI passes the text
 * as given and the gateway (Rust) reads and checks it, a `switch` only is read in JS (see
 * bin/fragment-redis.js); `secret`: never printed; `alias`: an older spelling still accepted.
 */
const OPTIONS = Object.freeze(
  [
    {
      key: 'redis',
      flag: 'redis',
      arg: '<url>',
      env: 'FRAGMENT_REDIS_URL',
      kind: 'text',
      help: 'redis-server to front',
    },
    {
      key: 'port',
      flag: 'port',
      arg: '<n>',
      env: 'FRAGMENT_GATEWAY_PORT',
      kind: 'count',
      help: 'port to listen on, 0 = any free one',
    },
    {
      key: 'host',
      flag: 'host',
      arg: '<ip>',
      env: 'FRAGMENT_GATEWAY_HOST',
      kind: 'text',
      help: 'address to listen on',
    },
    {
      key: 'token',
      flag: 'token',
      arg: '<t>',
      env: 'FRAGMENT_GATEWAY_TOKEN',
      kind: 'text',
      secret: true,
      help: 'token clients must send (required); prefer the variable: flags show in the process list',
    },
    {
      key: 'readonlyToken',
      flag: 'readonly-token',
      arg: '<t>',
      env: 'FRAGMENT_GATEWAY_READONLY_TOKEN',
      kind: 'text',
      secret: true,
      help: "a second token that runs read commands only (Upstash's read-only token)",
    },
    {
      key: 'maxRequestSize',
      flag: 'max-request-size',
      arg: '<size>',
      env: 'FRAGMENT_GATEWAY_MAX_REQUEST_SIZE',
      kind: 'size',
      alias: { key: 'maxBody', flag: 'max-body', env: 'FRAGMENT_GATEWAY_MAX_BODY' },
      help: "largest request body, e.g. 10mb (Upstash's free-plan limit)",
    },
    {
      key: 'maxReply',
      flag: 'max-reply',
      arg: '<size>',
      env: 'FRAGMENT_GATEWAY_MAX_REPLY',
      kind: 'size',
      help: 'largest reply relayed',
    },
    {
      key: 'poolSize',
      flag: 'pool-size',
      arg: '<n>',
      env: 'FRAGMENT_GATEWAY_POOL_SIZE',
      kind: 'count',
      help: 'Redis connections for requests',
    },
    {
      key: 'poolTimeout',
      flag: 'pool-timeout',
      arg: '<ms>',
      env: 'FRAGMENT_GATEWAY_POOL_TIMEOUT',
      kind: 'count',
      help: 'wait for a free one before a 503',
    },
    {
      key: 'maxStreams',
      flag: 'max-streams',
      arg: '<n>',
      env: 'FRAGMENT_GATEWAY_MAX_STREAMS',
      kind: 'count',
      help: 'open SSE streams (one Redis connection each)',
    },
    {
      key: 'tlsCert',
      flag: 'tls-cert',
      arg: '<file>',
      env: 'FRAGMENT_GATEWAY_TLS_CERT',
      kind: 'text',
      help: 'serve HTTPS with this PEM certificate chain',
    },
    {
      key: 'tlsKey',
      flag: 'tls-key',
      arg: '<file>',
      env: 'FRAGMENT_GATEWAY_TLS_KEY',
      kind: 'text',
      help: 'and this PEM private key',
    },
    {
      key: 'verbose',
      flag: 'verbose',
      env: 'FRAGMENT_GATEWAY_VERBOSE',
      kind: 'switch',
      help: 'one line per request on stderr: route, command names, status, time; never the token, keys or values',
    },
    {
      key: 'latency',
      flag: 'latency',
      arg: '<ms>|<min>-<max>',
      env: 'FRAGMENT_GATEWAY_LATENCY',
      kind: 'latency',
      simulation: true,
      help: 'delay every response and SSE event',
    },
    {
      key: 'failRate',
      flag: 'fail-rate',
      arg: '<p>',
      env: 'FRAGMENT_GATEWAY_FAIL_RATE',
      kind: 'fraction',
      simulation: true,
      help: 'answer this fraction of command requests 503, not run',
    },
    {
      key: 'dropAfterApply',
      flag: 'drop-after-apply',
      arg: '<p>',
      env: 'FRAGMENT_GATEWAY_DROP_AFTER_APPLY',
      kind: 'fraction',
      simulation: true,
      help: 'run, then close the connection unanswered',
    },
    {
      key: 'stall',
      flag: 'stall',
      arg: '<p>',
      env: 'FRAGMENT_GATEWAY_STALL',
      kind: 'fraction',
      simulation: true,
      help: 'never answer (and do not run)',
    },
    {
      key: 'seed',
      flag: 'seed',
      arg: '<n>',
      env: 'FRAGMENT_GATEWAY_SEED',
      kind: 'seed',
      simulation: true,
      help: 'replay the same sequence of outcomes (default: random, printed)',
    },
  ].map(Object.freeze),
)

const KNOWN = new Set(OPTIONS.flatMap((o) => (o.alias ? [o.key, o.alias.key] : [o.key])))

/** A byte count as the help shows it: `10mb`, `100mb`, else bytes. */
function formatSize(bytes) {
  const MB = 1024 * 1024
  return bytes % MB === 0 ? `${bytes / MB}mb` : String(bytes)
}

/** `fragment-redis gateway --help`, from OPTIONS and Rust's defaults. */
function usage() {
  const shown = (o) => {
    const value = DEFAULTS[o.key]
    if (value === undefined) return ''
    return `default ${o.kind === 'size' ? formatSize(value) : value}`
  }
  const lines = (simulation) =>
    OPTIONS.filter((o) => Boolean(o.simulation) === simulation)
      .map((o) => {
        const left = `  --${o.flag}${o.arg ? ` ${o.arg}` : ''}`
        const alias = o.alias ? ` (also --${o.alias.flag}, ${o.alias.env})` : ''
        const right = [`${o.help} [${o.env}${o.kind === 'switch' ? '=1' : ''}]${alias}`, shown(o)]
        return `${left.padEnd(30)} ${right.filter(Boolean).join('  ')}`
      })
      .join('\n')
  return `Usage: fragment-redis gateway [options]

Serves the Upstash Redis REST API on this machine, in front of a real redis-server.
Each flag has an environment variable (in brackets); a flag wins over its variable.

Options:
${lines(false)}

Simulation for local development (off by default; printed loudly at startup):
${lines(true)}
  Faults apply to command routes (/, /<command>/..., /pipeline, /multi-exec), not to /subscribe.

  -h, --help                     show this help
`
}

/**
 * @param {import('./gateway').StartGatewayOptions} options
 * @returns {Promise<import('../binding').GatewayHandle>}
 */
async function startGateway(options) {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('startGateway needs an options object with a token')
  }
  const unknown = Object.keys(options).filter((key) => !KNOWN.has(key) && options[key] !== undefined)
  if (unknown.length > 0) {
    throw new TypeError(
      `startGateway does not know the option(s) ${unknown.join(', ')}; known: ${[...KNOWN].join(', ')}`,
    )
  }
  const { maxBody, ...given } = options
  // A null host has always meant the default one.
  if (given.host === null) delete given.host
  if (maxBody !== undefined && given.maxRequestSize === undefined) given.maxRequestSize = maxBody
  try {
    return await binding.startGateway(given)
  } catch (error) {
    throw wrongType(error, given) ?? error
  }
}

/**
 * The binding's own refusal of a value of the wrong type ("Value is none of these types … on
 * GatewayOptions.failRate"), said with the option's flag like the gateway's other refusals. Only
 * the value's type is named (and the binding's text, unless the option is a secret).
 */
function wrongType(error, given) {
  const key = / on GatewayOptions\.(\w+)$/.exec(String(error?.message))?.[1]
  const option = OPTIONS.find((o) => o.key === key)
  if (!option) return null
  const value = given[key]
  const type =
    value === null
      ? 'null'
      : Array.isArray(value)
        ? 'an array'
        : `${typeof value === 'object' ? 'an' : 'a'} ${typeof value}`
  // The binding's text may quote the value: not for a secret.
  const mapped = new TypeError(
    `${key} (--${option.flag}) cannot be ${type}${option.secret ? '' : ` (${error.message})`}`,
  )
  mapped.code = error.code
  return mapped
}

/** The two lines a Next.js app puts in `.env.local` to use this gateway. */
function envLines(url, token) {
  return `UPSTASH_REDIS_REST_URL=${url}\nUPSTASH_REDIS_REST_TOKEN=${token}`
}

module.exports = { startGateway, envLines, usage, DEFAULTS, OPTIONS }
