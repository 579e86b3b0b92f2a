#!/usr/bin/env node
'use strict'
// fragment-redis gateway: a local Upstash-compatible REST server in front of a redis-server.
const { parseArgs } = require('node:util')

function fail(message) {
  process.stderr.write(`fragment-redis: ${message}\n`)
  process.exit(1)
}

function parseSwitch(text, flag) {
  const value = { 1: true, true: true, 0: false, false: false }[String(text).trim().toLowerCase()]
  if (value === undefined)
    fail(`${flag} (FRAGMENT_GATEWAY_VERBOSE) must be 1, 0, true or false, got ${JSON.stringify(text)}`)
  return value
}

async function gateway(argv) {
  const { OPTIONS, usage, startGateway, envLines, DEFAULTS } = require('../lib/gateway.js')
  const spec = { help: { type: 'boolean', short: 'h' } }
  for (const o of OPTIONS) {
    for (const flag of [o.flag, o.alias?.flag].filter(Boolean)) {
      spec[flag] = { type: o.kind === 'switch' ? 'boolean' : 'string' }
    }
  }
  const { values } = parseArgs({ args: argv, options: spec })
  if (values.help) return process.stdout.write(usage())
  // Flag, else environment variable (each alias after its option), else the gateway's default.
  const options = {}
  for (const o of OPTIONS) {
    for (const { flag, env } of [o, o.alias].filter(Boolean)) {
      if (options[o.key] !== undefined) break
      const given = values[flag] ?? process.env[env]
      if (given === undefined || given === '' || given === false) continue
      // Text is passed as given: the gateway (Rust) reads and checks it, so a flag and its
      // startGateway() option are refused in the same words. A switch only is read here.
      options[o.key] = o.kind !== 'switch' ? given : given === true || parseSwitch(given, `--${flag}`)
    }
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
  const redis = options.redis ?? DEFAULTS.redis
  process.stdout.write(
    `fragment-redis gateway listening on ${handle.url} (redis ${redis.replace(/\/\/[^@]*@/, '//')})\n`,
  )
  // The standard token only: the read-only one is printed nowhere.
  process.stdout.write(`Add to .env.local:\n${envLines(handle.url, options.token)}\n`)
  if (options.readonlyToken) process.stdout.write('A read-only token is accepted too (not printed).\n')

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
  const { usage } = require('../lib/gateway.js')
  if (!command || command === '-h' || command === '--help' || command === 'help') return process.stdout.write(usage())
  fail(`unknown command ${JSON.stringify(command)}\n\n${usage()}`)
}

main().catch((error) => fail(error.message))
