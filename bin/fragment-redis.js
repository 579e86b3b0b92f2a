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
  -h, --help          show this help
`

function fail(message) {
  process.stderr.write(`fragment-redis: ${message}\n`)
  process.exit(1)
}

function parseSize(text) {
  const match = /^(\d+)\s*(b|kb|k|mb|m)?$/i.exec(String(text).trim())
  if (!match) fail(`--max-body must be a size such as 10mb or 1048576, got ${JSON.stringify(text)}`)
  const unit = { b: 1, k: 1024, kb: 1024, m: 1024 * 1024, mb: 1024 * 1024 }[(match[2] || 'b').toLowerCase()]
  return Number(match[1]) * unit
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
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) return process.stdout.write(USAGE)
  const env = process.env
  const { startGateway, envLines, DEFAULTS } = require('../lib/gateway.js')
  const token = values.token ?? env.FRAGMENT_GATEWAY_TOKEN
  if (!token) fail('a token is required: pass --token <t> or set FRAGMENT_GATEWAY_TOKEN')
  const maxBody = values['max-body'] ?? env.FRAGMENT_GATEWAY_MAX_BODY
  const options = {
    redis: values.redis ?? env.FRAGMENT_REDIS_URL ?? DEFAULTS.redis,
    host: values.host ?? env.FRAGMENT_GATEWAY_HOST ?? DEFAULTS.host,
    port: parsePort(values.port ?? env.FRAGMENT_GATEWAY_PORT ?? DEFAULTS.port),
    token,
    maxBody: maxBody === undefined ? undefined : parseSize(maxBody),
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
