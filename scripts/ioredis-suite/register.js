'use strict'
// Loaded into each mocha child before the test files (see run.js). The ioredis functional tests
// import ioredis's own sources by relative path (`../../lib/Redis`, `../../lib/Command`, …); this
// redirects those imports to the client under test, chosen by IOREDIS_SUITE_TARGET:
//   ioredis — the installed ioredis package, pointed at the suite's redis-server
//   ours    — this repository's index.js, pointed at the gateway over that same redis-server
const Module = require('node:module')
const path = require('node:path')

const target = process.env.IOREDIS_SUITE_TARGET
const testsDir = path.resolve(process.env.IOREDIS_SUITE_TESTS)
const repoRoot = path.resolve(__dirname, '../..')

function ioredisModules() {
  const IORedis = require(require.resolve('ioredis', { paths: [repoRoot] }))
  const builtDir = path.dirname(require.resolve('ioredis/built/index.js', { paths: [repoRoot] }))
  const { hostname, port } = new URL(process.env.IOREDIS_SUITE_REDIS_URL)
  // `new Redis()` / `new Redis(options)` reach the suite's server; other forms (a port) stay as given.
  class Redis extends IORedis {
    constructor(...args) {
      if (args.length === 0 || (args.length === 1 && typeof args[0] === 'object' && args[0] !== null)) {
        super({ host: hostname, port: Number(port), ...args[0] })
      } else super(...args)
    }
  }
  return {
    Redis,
    Command: require(path.join(builtDir, 'Command.js')),
    errors: require(path.join(builtDir, 'errors/index.js')),
    index: { ...IORedis, default: Redis, Redis, Cluster: IORedis.Cluster },
  }
}

function ourModules() {
  // UPSTASH_REDIS_REST_URL / _TOKEN (set by run.js) configure `new Redis()` and `new Redis(options)`.
  const Redis = require(repoRoot)
  return {
    Redis,
    // ioredis internals the tests poke at (Command._transformer) have no counterpart here.
    Command: { default: { _transformer: { argument: {}, reply: {} } } },
    errors: require(path.join(repoRoot, 'lib/errors.js')),
    index: { ...Redis, default: Redis, Redis, Cluster: undefined },
  }
}

const modules = target === 'ioredis' ? ioredisModules() : target === 'ours' ? ourModules() : null
if (!modules) throw new Error(`IOREDIS_SUITE_TARGET must be 'ioredis' or 'ours', got ${JSON.stringify(target)}`)

const asEsModule = (value) =>
  value && value.__esModule ? value : Object.assign(Object.create(null), { __esModule: true, default: value }, value)

const shims = {
  '/lib/Redis': asEsModule(modules.Redis),
  '/lib/redis': asEsModule(modules.Redis),
  '/lib/Command': modules.Command,
  '/lib/errors': modules.errors,
  '/lib': asEsModule(modules.index),
  // The TCP mock server is connection infrastructure: the tests using it are skipped (run.js).
  '/helpers/mock_server': asEsModule(
    class MockServer {
      constructor() {
        throw new Error('MockServer is not available in this runner')
      }
    },
  ),
}

const shimPrefix = path.join(__dirname, '.shim') + path.sep
const resolve = Module._resolveFilename
Module._resolveFilename = function (request, parent, ...rest) {
  if (parent && parent.filename && parent.filename.startsWith(testsDir + path.sep)) {
    for (const suffix of Object.keys(shims)) {
      if (request.endsWith(suffix) && request.startsWith('.')) return shimPrefix + suffix.slice(1).replace(/\//g, '_')
    }
  }
  return resolve.call(this, request, parent, ...rest)
}
for (const [suffix, exports] of Object.entries(shims)) {
  const id = shimPrefix + suffix.slice(1).replace(/\//g, '_')
  const shim = new Module(id)
  shim.filename = id
  shim.loaded = true
  shim.exports = exports
  Module._cache[id] = shim
}
