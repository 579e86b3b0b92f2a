'use strict'
// @fragment/redis-native: `const Redis = require('@fragment/redis-native')`, as with ioredis.
const { Redis } = require('./lib/redis.js')
const { Pipeline } = require('./lib/pipeline.js')
const { ScanStream } = require('./lib/scan-stream.js')
const errors = require('./lib/errors.js')

module.exports = Redis
Object.assign(Redis, {
  Redis,
  default: Redis,
  Pipeline,
  ScanStream,
  errorCodes: errors.errorCodes,
  errorFromCode: errors.errorFromCode,
  RedisError: errors.RedisError,
  ReplyError: errors.ReplyError,
  TransportError: errors.TransportError,
  TimeoutError: errors.TimeoutError,
  QueueFullError: errors.QueueFullError,
  ClosedError: errors.ClosedError,
  RestrictedCommandError: errors.RestrictedCommandError,
  ConfigError: errors.ConfigError,
  InternalError: errors.InternalError,
})
