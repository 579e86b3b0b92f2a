#!/usr/bin/env node
'use strict'
// fragment-redis gateway: a local Upstash-compatible REST server in front of a redis-server.
const { parseArgs } = require('node:util')

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

// The text's shape only: its range is checked by the gateway (Rust), which names the flag too.
function parseCount(text, flag) {
  if (!/^\d+$/.test(String(text).trim())) fail(`${flag} must be a whole number, got ${JSON.stringify(text)}`)
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

const PARSERS = {
  text: (text) => text,
  count: parseCount,
  size: parseSize,
  latency: parseLatency,
  fraction: parseFraction,
  seed: parseSeed,
  switch: parseSwitch,
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
      options[o.key] = given === true ? true : PARSERS[o.kind](given, `--${flag}`)
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
