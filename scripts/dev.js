#!/usr/bin/env node
'use strict'

// `npm run dev`: a local redis-server + Upstash-compatible gateway on fixed ports, so a Next.js
// app's .env.local can stay the same between runs. Ctrl-C stops both.

const { prepare } = require('./prepare')
const { startDevStack } = require('../lib/dev-stack')

const log = (message) => console.log(`dev: ${message}`)

function portFromEnv(name, fallback) {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const port = Number(raw)
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    console.error(`dev: ${name} must be a port number (1-65535), got "${raw}"`)
    process.exit(1)
  }
  return port
}

async function main() {
  prepare()
  const stack = await startDevStack({
    redisPort: portFromEnv('FRAGMENT_REDIS_PORT', 6389),
    // The gateway's own default port (owned by Rust), unless the variable says otherwise.
    gatewayPort: portFromEnv('FRAGMENT_GATEWAY_PORT', require('../lib/gateway').DEFAULTS.port),
    token: process.env.FRAGMENT_GATEWAY_TOKEN, // unset: a random one
    readonlyToken: process.env.FRAGMENT_GATEWAY_READONLY_TOKEN, // unset: none
    log,
  })

  console.log('')
  for (const [name, value] of Object.entries(stack.env)) console.log(`${name}=${value}`)
  console.log('')
  log('put the two lines above in .env.local; Ctrl-C stops redis-server and the gateway')
  if (stack.readonlyToken) log('the read-only token from FRAGMENT_GATEWAY_READONLY_TOKEN is accepted too')

  let stopping = false
  const shutdown = (signal) => {
    if (stopping) return
    stopping = true
    log(`${signal}: stopping`)
    stack.stop().then(
      () => process.exit(0),
      (error) => {
        console.error(`dev: ${error.message}`)
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', shutdown)
  process.on('SIGTERM', shutdown)
}

main().catch((error) => {
  console.error(`dev: ${error.message}`)
  process.exit(1)
})
