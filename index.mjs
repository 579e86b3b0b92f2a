// ESM entry: the CommonJS build, re-exported (`import Redis, { Redis as Named } from '@fragment/redis-native'`).
// index.d.ts types the package as `export = Redis`, so TypeScript also accepts named imports of the
// class's statics (fromEnv, createClient): they are exported here too.
import cjs from './index.js'

export default cjs
export const Redis = cjs.Redis
export const Pipeline = cjs.Pipeline
export const ScanStream = cjs.ScanStream
export const errorCodes = cjs.errorCodes
export const errorFromCode = cjs.errorFromCode
export const RedisError = cjs.RedisError
export const ReplyError = cjs.ReplyError
export const TransportError = cjs.TransportError
export const TimeoutError = cjs.TimeoutError
export const QueueFullError = cjs.QueueFullError
export const ClosedError = cjs.ClosedError
export const RestrictedCommandError = cjs.RestrictedCommandError
export const ConfigError = cjs.ConfigError
export const InternalError = cjs.InternalError
export const fromEnv = cjs.fromEnv
export const createClient = cjs.createClient
