'use strict'
// Plumbing shared by the client suites (not a suite itself):
//   Redis             the package under test, loaded from its root like a user would
//   clients()         a factory whose clients are all disconnected after each test
//   rejectionOf()     the error a promise rejects with (fails if it resolves)
//   runNode()         a `node -e` child with a hard deadline, for process-exit behaviour
//   runNodeWith()     runNode() with named values defined as constants in the script
//   expectExitedCleanly() asserts a child exited by itself: code 0, no signal, nothing on stderr
//   useProxyAndOracle()  a fault proxy in front of the global gateway plus a direct ioredis oracle
//   usePrivateStack()    a private redis-server + gateway for the suite, plus an ioredis oracle to it
//   useSimulatedGateway() a private gateway over the suites' redis-server with the gateway's own
//                        fault flags (stall, dropAfterApply, failRate, latency, seed), per test
//   closedPort()      a loopback port nothing listens on (connection refused)
//   direct(), sha1 — shared with the gateway suites; within(), waitUntil() — __test__/support
const { spawn } = require('node:child_process')
const path = require('node:path')
const { freePort } = require('../../../lib/internal/free-port')
const { direct, sha1 } = require('../../gateway/support')
const { env, within, waitUntil } = require('../../support')
const { startProxy } = require('./proxy')
const IORedis = require('ioredis')
const { startDevStack } = require('../../../lib/dev-stack')
const { startGateway } = require('../../../lib/gateway')

const ROOT = path.resolve(__dirname, '../../..')
const Redis = require(ROOT)

/** `make(...args)` builds a client; every client made is disconnected after each test. */
function clients() {
  const made = []
  afterEach(() => {
    for (const client of made.splice(0)) client.disconnect()
  })
  return (...args) => {
    const client = new Redis(...args)
    made.push(client)
    return client
  }
}

async function rejectionOf(promise) {
  let value
  try {
    value = await promise
  } catch (error) {
    return error
  }
  throw new Error(`expected a rejection, but it resolved with ${JSON.stringify(value)}`)
}

/**
 * Runs `script` in `node -e` with `require(ROOT)` available as `Redis`. Resolves
 * `{ code, signal, stdout, stderr, ms, timedOut }`; the child is SIGKILLed after `timeoutMs`.
 */
function runNode(script, { env = {}, timeoutMs = 10000 } = {}) {
  const prelude = `const Redis = require(${JSON.stringify(ROOT)});\n`
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', prelude + script], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    let timedOut = false
    child.stdout.setEncoding('utf8').on('data', (c) => (stdout += c))
    child.stderr.setEncoding('utf8').on('data', (c) => (stderr += c))
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, timeoutMs)
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started, timedOut })
    })
  })
}

/**
 * runNode() with each of `values` (`{ name: string }`) defined as `const name` at the top of
 * `script`; the values travel in the child's environment as T_NAME.
 */
function runNodeWith(values, script, options = {}) {
  const names = Object.keys(values)
  const variable = (name) => `T_${name.toUpperCase()}`
  const declarations = names.map((name) => `${name} = process.env.${variable(name)}`).join(', ')
  return runNode(names.length ? `const ${declarations};\n${script}` : script, {
    ...options,
    env: { ...options.env, ...Object.fromEntries(names.map((name) => [variable(name), values[name]])) },
  })
}

/** Asserts a runNode() child exited by itself, cleanly and before its deadline; returns `result`. */
function expectExitedCleanly(result) {
  expect({ timedOut: result.timedOut, code: result.code, signal: result.signal, stderr: result.stderr }).toEqual({
    timedOut: false,
    code: 0,
    signal: null,
    stderr: '',
  })
  return result
}

/**
 * Registers the hooks of a suite that needs a fault proxy in front of the global gateway (reset
 * after each test, closed at the end) and an ioredis client straight to redis-server (the oracle).
 * Returns getters, as both exist only once beforeAll has run.
 */
function useProxyAndOracle(url = env().url) {
  let proxy
  let oracle
  beforeAll(async () => {
    proxy = await startProxy(url)
    oracle = direct()
  })
  afterAll(async () => {
    await proxy.close()
    await oracle.quit()
  })
  afterEach(() => proxy.reset())
  return { proxy: () => proxy, oracle: () => oracle }
}

/**
 * Registers the hooks of a suite that needs its own dev stack (a keyspace or a gateway of its own)
 * and an ioredis client straight to that stack's redis-server. The returned object's `stack` and
 * `oracle` are filled in by beforeAll.
 */
function usePrivateStack() {
  const fixture = { stack: undefined, oracle: undefined }
  beforeAll(async () => {
    fixture.stack = await startDevStack()
    fixture.oracle = new IORedis(fixture.stack.redisUrl, { maxRetriesPerRequest: 1 })
  }, 30000)
  afterAll(async () => {
    if (fixture.oracle) await fixture.oracle.quit()
    if (fixture.stack) await fixture.stack.stop()
  })
  return fixture
}

const closedPort = freePort

/**
 * The gateway's own simulation flags in place of a hand-written proxy, wherever a flag expresses
 * the fault: `const sim = useSimulatedGateway(); … const { url, token } = await sim.start({ stall: 1 })`.
 * A fresh gateway per test (its fault sequence starts at the first request), over the suites'
 * redis-server, closed after the test.
 */
function useSimulatedGateway() {
  const token = 'simulated-gateway-token'
  let handle
  afterEach(async () => {
    if (handle) await handle.close()
    handle = undefined
  })
  return {
    async start(simulation) {
      if (handle) throw new Error('one simulated gateway per test')
      handle = await startGateway({ redis: env().redisUrl, port: 0, token, ...simulation })
      return { url: handle.url, token }
    },
  }
}

module.exports = {
  ROOT,
  Redis,
  clients,
  rejectionOf,
  runNode,
  runNodeWith,
  expectExitedCleanly,
  useProxyAndOracle,
  usePrivateStack,
  useSimulatedGateway,
  closedPort,
  direct,
  within,
  waitUntil,
  sha1,
}
