'use strict'

// A private redis-server plus the REST gateway as child processes: what Jest, `npm run dev`,
// the demo and the benchmarks run against. Fault tests use the stop/start pieces; both processes
// come back on the same port, so URLs handed out earlier stay valid.

const crypto = require('node:crypto')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { onExit } = require('./internal/exit-guard')
const { startGatewayChild } = require('./internal/gateway-child')
const { startRedisServer } = require('./internal/redis-server')
const { requireCommand } = require('./internal/which')

// `log` gets progress lines. Crashes always go to stderr: a test run whose gateway died should say
// why, instead of failing later with "connection refused".
const warn = (message) => console.error(`dev stack: ${message}`)

async function startDevStack({ redisPort, gatewayPort = 0, token, readonlyToken, log = () => {} } = {}) {
  requireCommand('redis-server') // fail with the install hint before creating anything
  token = token || crypto.randomBytes(16).toString('hex')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fragment-redis-'))
  const removeDir = () => fs.rmSync(dir, { recursive: true, force: true })
  const releaseDirGuard = onExit(removeDir)

  let redis = null // OwnedChild while started
  let gateway = null
  let stopping = null
  // Ctrl-C reaches the children too, so exits once stop() has begun are expected.
  const onUnexpectedExit = (child) => {
    if (stopping || (child !== redis && child !== gateway)) return
    warn(`${child.describeExit()} unexpectedly. Its output:\n${child.output()}`)
  }
  const assertNotStopped = () => {
    if (stopping) throw new Error('this dev stack was stopped')
  }
  // A start that finishes after stop() began must not leave its process behind.
  const adopt = async (child) => {
    if (stopping) await child.stop()
    assertNotStopped()
    return child
  }

  const handle = {
    token,
    dir,
    url: undefined,
    redisPort: undefined,
    redisUrl: undefined,
    env: undefined,
    get pids() {
      return { redis: redis ? redis.pid : null, gateway: gateway ? gateway.pid : null }
    },

    async startRedis() {
      assertNotStopped()
      if (redis && redis.running) return
      const started = await startRedisServer({ port: handle.redisPort || redisPort, dir, onUnexpectedExit })
      redis = await adopt(started.child)
      handle.redisPort = started.port
      handle.redisUrl = `redis://127.0.0.1:${started.port}`
      log(`redis-server ready on 127.0.0.1:${started.port}`)
    },

    async stopRedis() {
      const child = redis
      redis = null
      if (child) await child.stop()
    },

    // The first start may use port 0; later starts reuse the port the gateway reported.
    async startGateway() {
      assertNotStopped()
      if (gateway && gateway.running) return
      const restart = Boolean(handle.url)
      const port = restart ? Number(new URL(handle.url).port) : gatewayPort
      const started = await startGatewayChild({
        redisUrl: handle.redisUrl,
        port,
        token,
        readonlyToken,
        restart,
        onUnexpectedExit,
      })
      gateway = await adopt(started.child)
      handle.url = started.url
      handle.env = { UPSTASH_REDIS_REST_URL: started.url, UPSTASH_REDIS_REST_TOKEN: token }
      log(`gateway ready at ${started.url}`)
    },

    async stopGateway() {
      const child = gateway
      gateway = null
      if (child) await child.stop()
    },

    async restartGateway() {
      await handle.stopGateway()
      await handle.startGateway()
    },

    // Gateway first so it drains while redis still answers. Idempotent.
    stop() {
      if (!stopping) {
        stopping = (async () => {
          const failures = []
          for (const stopOne of [handle.stopGateway, handle.stopRedis]) {
            await stopOne().catch((error) => failures.push(error))
          }
          removeDir()
          releaseDirGuard()
          if (failures.length) throw failures[0]
        })()
      }
      return stopping
    },
  }

  // Not enumerable: inspecting or logging the handle does not show it.
  Object.defineProperty(handle, 'readonlyToken', { value: readonlyToken || null, enumerable: false })

  try {
    await handle.startRedis()
    await handle.startGateway()
  } catch (error) {
    await handle.stop()
    throw error
  }
  return handle
}

module.exports = { startDevStack }
