'use strict'
// @fragment/redis-native: `const Redis = require('@fragment/redis-native')`, as with ioredis.
//
// One CommonJS entry for every loader. The named exports are assigned one by one because Node's ESM
// loader finds a CommonJS module's names by reading such assignments (cjs-module-lexer), so
// `import Redis, { Redis as Named, fromEnv } from '@fragment/redis-native'` works without an ES
// module build — and bundlers never get one: an ES module entry makes Next.js (Turbopack) treat
// the package and every module importing it as async, which breaks server actions.
const { Redis } = require('./lib/redis.js')
const { Pipeline } = require('./lib/pipeline.js')
const { ScanStream } = require('./lib/scan-stream.js')
const errors = require('./lib/errors.js')

module.exports = Redis
module.exports.Redis = Redis
module.exports.default = Redis
module.exports.Pipeline = Pipeline
module.exports.ScanStream = ScanStream
module.exports.errorCodes = errors.errorCodes
module.exports.errorFromCode = errors.errorFromCode
module.exports.RedisError = errors.RedisError
module.exports.ReplyError = errors.ReplyError
module.exports.TransportError = errors.TransportError
module.exports.TimeoutError = errors.TimeoutError
module.exports.QueueFullError = errors.QueueFullError
module.exports.ClosedError = errors.ClosedError
module.exports.RestrictedCommandError = errors.RestrictedCommandError
module.exports.ConfigError = errors.ConfigError
module.exports.InternalError = errors.InternalError
// Statics of the class (non-enumerable, unchanged by these lines), named so ESM can import them.
module.exports.fromEnv = Redis.fromEnv
module.exports.createClient = Redis.createClient
