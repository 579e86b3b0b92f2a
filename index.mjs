// ESM entry: the CommonJS build, re-exported (`import Redis, { Redis as Named } from '@fragment/redis-native'`).
// index.d.ts types the package as `export = Redis`, so TypeScript also accepts named imports of the
// class's statics (fromEnv, createClient): they are exported here too.
import cjs from './index.js'

export default cjs
export const Redis = cjs.Redis
export const Pipeline = cjs.Pipeline
export const ScanStream = cjs.ScanStream
export const ReplyError = cjs.ReplyError
export const TransportError = cjs.TransportError
export const RestrictedCommandError = cjs.RestrictedCommandError
export const fromEnv = cjs.fromEnv
export const createClient = cjs.createClient
