#!/usr/bin/env node
'use strict'
// fragment-redis gateway: a local Upstash-compatible REST server in front of a redis-server.
const { parseArgs } = require('node:util')

const USAGE = `Usage: fragment-redis gateway [options]

Serves the Upstash Redis REST API on this machine, in front of a real redis-server.

Options (environment variable in brackets):
  --redis <url>       redis-server to front [FRAGMENT_REDIS_URL]      default redis://127.0.0.1:6379
  --port <n>          port to listen on, 0 = any free one [FRAGMENT_GATEWAY_PORT]   default 8079
  --host <ip>         address to listen on [FRAGMENT_GATEWAY_HOST]     default 127.0.0.1
  --token <t>         token clients must send (required) [FRAGMENT_GATEWAY_TOKEN]
  --max-body <size>   largest request body, e.g. 10mb [FRAGMENT_GATEWAY_MAX_BODY]  default 10mb
  --max-reply <size>  largest reply relayed [FRAGMENT_GATEWAY_MAX_REPLY]        default 100mb
  --pool-size <n>     Redis connections for requests [FRAGMENT_GATEWAY_POOL_SIZE]  default 64
  --pool-timeout <ms> wait for a free one before a 503 [FRAGMENT_GATEWAY_POOL_TIMEOUT]  default 5000
  --max-streams <n>   open SSE streams (one Redis connection each) [FRAGMENT_GATEWAY_MAX_STREAMS]  default 128
  --tls-cert <file>   serve HTTPS with this PEM certificate chain [FRAGMENT_GATEWAY_TLS_CERT]
  --tls-key <file>    and this PEM private key [FRAGMENT_GATEWAY_TLS_KEY]
  --verbose           one line per request on stderr: route, command names, status, time;
                      never the token, keys or values [FRAGMENT_GATEWAY_VERBOSE=1]

Simulation for local development (off by default; printed loudly at startup):
  --latency <ms>|<min>-<max>  delay every response and SSE event [FRAGMENT_GATEWAY_LATENCY]
  --fail-rate <p>     answer this fraction of command requests 503, not run [FRAGMENT_GATEWAY_FAIL_RATE]
  --drop-after-apply <p>  run, then close the connection unanswered [FRAGMENT_GATEWAY_DROP_AFTER_APPLY]
  --stall <p>         never answer (and do not run) [FRAGMENT_GATEWAY_STALL]
  --seed <n>          replay the same sequence of outcomes [FRAGMENT_GATEWAY_SEED]  default: random, printed
  Faults apply to command routes (/, /<command>/..., /pipeline, /multi-exec), not to /subscribe.

  -h, --help          show this help
`

function fail(message) {
  process.stderr.write(`fragment-redis: ${message}\n`)
  process.exit(1)
}

function parseSize(text, flag) {
  const match = /^(\d+)\s*(b|kb|k|mb|m)?$/i.exec(String(text).trim())
  if (!match) fail(`${flag} must be a size such as 10mb or 1048576, got ${JSON.stringify(text)}`)
  const unit = { b: 1, k: 1024, kb: 1024, m: 1024 * 1024, mb: 1024 * 1024 }[(match[2] || 'b').toLowerCase()]
  return Number(match[1]) * unit
}

function parseCount(text, flag) {
  if (!/^\d+$/.test(String(text).trim()) || Number(text) < 1) {
    fail(`${flag} must be a whole number of at least 1, got ${JSON.stringify(text)}`)
  }
  return Number(text)
}

function parseLatency(text, flag) {
  const match = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(String(text).trim())
  const [min, max] = match ? [Number(match[1]), Number(match[2] ?? match[1])] : []
  if (!match || min > max)
    fail(`${flag} must be milliseconds such as 50, or a range such as 20-80, got ${JSON.stringify(text)}`)
  return [min, max]
}

function parseFraction(text, flag) {
  const p = /^\s*(0|1|0?\.\d+|1\.0*)\s*$/.test(String(text)) ? Number(text) : NaN
  if (!(p >= 0 && p <= 1)) fail(`${flag} must be a fraction from 0 to 1 such as 0.1, got ${JSON.stringify(text)}`)
  return p
}

function parseSeed(text, flag) {
  if (!/^\d+$/.test(String(text).trim()) || Number(text) > 0xffffffff) {
    fail(`${flag} must be a whole number from 0 to ${0xffffffff}, got ${JSON.stringify(text)}`)
  }
  return Number(text)
}

function parseSwitch(text, flag) {
  const value = { 1: true, true: true, 0: false, false: false }[String(text).trim().toLowerCase()]
  if (value === undefined)
    fail(`${flag} (FRAGMENT_GATEWAY_VERBOSE) must be 1, 0, true or false, got ${JSON.stringify(text)}`)
  return value
}

function parsePort(text) {
  const port = Number(text)
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0–65535, got ${JSON.stringify(text)}`)
  return port
}

async function gateway(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      redis: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      token: { type: 'string' },
      'max-body': { type: 'string' },
      'max-reply': { type: 'string' },
      'pool-size': { type: 'string' },
      'pool-timeout': { type: 'string' },
      'max-streams': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      latency: { type: 'string' },
      'fail-rate': { type: 'string' },
      'drop-after-apply': { type: 'string' },
      stall: { type: 'string' },
      seed: { type: 'string' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) return process.stdout.write(USAGE)
  const env = process.env
  const { startGateway, envLines, DEFAULTS } = require('../lib/gateway.js')
  const token = values.token ?? env.FRAGMENT_GATEWAY_TOKEN
  if (!token) fail('a token is required: pass --token <t> or set FRAGMENT_GATEWAY_TOKEN')
  // Flag, else environment variable, else the gateway's own default (left to Rust).
  const given = (flag, variable, parse) => {
    const text = values[flag] ?? env[variable]
    return text === undefined || text === '' ? undefined : parse(text, `--${flag}`)
  }
  const asIs = (text) => text
  const options = {
    redis: values.redis ?? env.FRAGMENT_REDIS_URL ?? DEFAULTS.redis,
    host: values.host ?? env.FRAGMENT_GATEWAY_HOST ?? DEFAULTS.host,
    port: parsePort(values.port ?? env.FRAGMENT_GATEWAY_PORT ?? DEFAULTS.port),
    token,
    maxBody: given('max-body', 'FRAGMENT_GATEWAY_MAX_BODY', parseSize),
    maxReply: given('max-reply', 'FRAGMENT_GATEWAY_MAX_REPLY', parseSize),
    poolSize: given('pool-size', 'FRAGMENT_GATEWAY_POOL_SIZE', parseCount),
    poolTimeout: given('pool-timeout', 'FRAGMENT_GATEWAY_POOL_TIMEOUT', parseCount),
    maxStreams: given('max-streams', 'FRAGMENT_GATEWAY_MAX_STREAMS', parseCount),
    tlsCert: given('tls-cert', 'FRAGMENT_GATEWAY_TLS_CERT', asIs),
    tlsKey: given('tls-key', 'FRAGMENT_GATEWAY_TLS_KEY', asIs),
    latency: given('latency', 'FRAGMENT_GATEWAY_LATENCY', parseLatency),
    failRate: given('fail-rate', 'FRAGMENT_GATEWAY_FAIL_RATE', parseFraction),
    dropAfterApply: given('drop-after-apply', 'FRAGMENT_GATEWAY_DROP_AFTER_APPLY', parseFraction),
    stall: given('stall', 'FRAGMENT_GATEWAY_STALL', parseFraction),
    seed: given('seed', 'FRAGMENT_GATEWAY_SEED', parseSeed),
    verbose: values.verbose || given('verbose', 'FRAGMENT_GATEWAY_VERBOSE', parseSwitch),
  }

  let handle
  try {
    handle = await startGateway(options)
  } catch (error) {
    fail(`cannot start the gateway: ${error.message}`)
  }
  if (!handle.isLoopback) {
    process.stderr.write(
      `\n!!! WARNING: the gateway listens on ${handle.url}, reachable from other machines.\n` +
        '!!! Anyone with the token can read and write this Redis. Use --host 127.0.0.1 unless you mean it.\n\n',
    )
  }
  if (handle.simulation.length > 0) {
    process.stderr.write(
      `\n!!! SIMULATION ON: this gateway is slower or less reliable than Upstash on purpose.\n` +
        handle.simulation.map((line) => `!!! ${line}\n`).join('') +
        '\n',
    )
  }
  process.stdout.write(
    `fragment-redis gateway listening on ${handle.url} (redis ${options.redis.replace(/\/\/[^@]*@/, '//')})\n`,
  )
  process.stdout.write(`Add to .env.local:\n${envLines(handle.url, token)}\n`)

  let stopping = false
  const stop = (signal) => {
    if (stopping) process.exit(130) // a second Ctrl-C does not wait
    stopping = true
    process.stdout.write(`${signal}: draining in-flight requests…\n`)
    handle.close().then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  await handle.closed()
}

async function main() {
  const [command, ...rest] = process.argv.slice(2)
  if (command === 'gateway') return gateway(rest)
  if (!command || command === '-h' || command === '--help' || command === 'help') return process.stdout.write(USAGE)
  fail(`unknown command ${JSON.stringify(command)}\n\n${USAGE}`)
}

main().catch((error) => fail(error.message))
