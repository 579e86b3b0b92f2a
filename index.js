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
  ReplyError: errors.ReplyError,
  TransportError: errors.TransportError,
  RestrictedCommandError: errors.RestrictedCommandError,
})
