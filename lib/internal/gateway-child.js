'use strict'

// The gateway CLI (`bin/fragment-redis.js gateway`) as a child process. It is ready once it has
// printed its two `.env.local` lines; the URL line carries the real port (we may pass --port 0).

const path = require('node:path')
const { OwnedChild } = require('./child')
const { delay, withTimeout } = require('./wait')

const BIN = path.join(__dirname, '..', '..', 'bin', 'fragment-redis.js')
const READY_TIMEOUT_MS = 15000
const IN_USE_RETRY_MS = 5000 // a restart on the same port may briefly find it still held
const IN_USE_RETRY_INTERVAL_MS = 100
const ADDRESS_IN_USE = /address already in use|addrinuse|eaddrinuse/i

const redactor = (tokens) => (text) => tokens.reduce((out, token) => out.split(token).join('<token>'), text)

async function spawnGateway({ redisUrl, port, token, readonlyToken, onUnexpectedExit }) {
  const printed = {}
  let announce
  const announced = new Promise((resolve) => (announce = resolve))
  const onStdoutLine = (line) => {
    const match = /^(UPSTASH_REDIS_REST_URL|UPSTASH_REDIS_REST_TOKEN)=(.*)$/.exec(line.trim())
    if (!match) return
    printed[match[1]] = match[2]
    if (printed.UPSTASH_REDIS_REST_URL !== undefined && printed.UPSTASH_REDIS_REST_TOKEN !== undefined) announce()
  }
  // Secrets go in the environment, never in the arguments (which `ps` shows to every user): the
  // tokens, and the Redis URL, which may carry a password.
  const args = [BIN, 'gateway', '--port', String(port), '--host', '127.0.0.1']
  const child = new OwnedChild('gateway', process.execPath, args, {
    env: {
      FRAGMENT_REDIS_URL: redisUrl,
      FRAGMENT_GATEWAY_TOKEN: token,
      // Empty when not given: one inherited from this process would otherwise be accepted unseen.
      FRAGMENT_GATEWAY_READONLY_TOKEN: readonlyToken || '',
    },
    redact: redactor([token, readonlyToken].filter(Boolean)),
    onStdoutLine,
    onUnexpectedExit,
  })

  try {
    // Rejects only if the child dies before announcing itself.
    const exitedEarly = child.exited.then(() => {
      throw new Error(child.describeExit())
    })
    await withTimeout(Promise.race([announced, exitedEarly]), READY_TIMEOUT_MS, () => new Error('timed out'))
    if (printed.UPSTASH_REDIS_REST_TOKEN !== token) throw new Error('it printed a different token than it was given')
    return { child, url: printed.UPSTASH_REDIS_REST_URL }
  } catch (cause) {
    await child.stop(1000)
    const error = new Error(
      `gateway (${BIN}, --port ${port}) did not start: ${cause.message}. Its output:\n${child.output()}`,
    )
    error.addressInUse = ADDRESS_IN_USE.test(child.output())
    throw error
  }
}

// Resolves `{ child, url }`. `restart`: "address in use" is retried for a few seconds, so that a
// restart right after a stop does not fail on a port the old process just released.
async function startGatewayChild({ redisUrl, port = 0, token, readonlyToken, restart = false, onUnexpectedExit }) {
  const deadline = Date.now() + IN_USE_RETRY_MS
  for (;;) {
    try {
      return await spawnGateway({ redisUrl, port, token, readonlyToken, onUnexpectedExit })
    } catch (error) {
      if (!restart || !error.addressInUse || Date.now() > deadline) throw error
      await delay(IN_USE_RETRY_INTERVAL_MS)
    }
  }
}

module.exports = { startGatewayChild }
