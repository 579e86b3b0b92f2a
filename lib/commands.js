'use strict'
// The command table: which commands exist, which only read, where their keys are, how replies
// are shaped. Methods are generated from it, as ioredis does, rather than written one by one.
const commands = require('@ioredis/commands')
const native = require('./native.js')

/** Every Redis command, lower-case (from @ioredis/commands, the table ioredis itself uses). */
const names = commands.list.filter((name) => name !== 'monitor')

const restricted = new Set(native.restrictedCommandNames())

/** Why the REST API cannot run this command, or undefined. */
function refusal(name, args) {
  if (!restricted.has(name)) return undefined
  return (
    native.commandRefusal([name, ...args.map((a) => (typeof a === 'string' ? a : a.toString('latin1')))]) ?? undefined
  )
}

const readOnly = new Map()

/** Cached: asked for every command sent. */
function isReadOnly(name) {
  let flag = readOnly.get(name)
  if (flag === undefined) {
    flag = commands.exists(name) && commands.hasFlag(name, 'readonly')
    readOnly.set(name, flag)
  }
  return flag
}

/** Indexes of key arguments, for keyPrefix. */
function keyIndexes(name, args) {
  if (!commands.exists(name)) return []
  try {
    return commands.getKeyIndexes(name, args)
  } catch {
    return [] // malformed arguments: Redis will say what is wrong
  }
}

/**
 * Commands without keys that touch no data either, so they need not wait for anything: every
 * other command without declared keys is a barrier (docs/ordering.md).
 */
const keyless = new Set(['ping', 'echo', 'time'])

/** Commands whose ordering names are not key positions in the table: PUBLISH's channel. */
const channelAt = new Map([['publish', 0]])

/**
 * The names a command must stay ordered by — its keys (after keyPrefix), or its channel — as
 * strings (a Buffer key by its UTF-8 text: a lossy decode can only merge names, never split one);
 * `null` when it is a barrier: unknown command, keys that cannot be known (no declared keys, SORT
 * … BY/GET), or a global one (KEYS, SCAN, FLUSHALL, DBSIZE, SCRIPT…).
 */
function orderingKeys(name, args, indexes = keyIndexes(name, args)) {
  if (indexes.length === 0) {
    if (keyless.has(name)) return []
    const channel = channelAt.get(name)
    return channel !== undefined && args.length > channel ? [text(args[channel])] : null
  }
  if ((name === 'sort' || name === 'sort_ro') && args.some(isPatternOption)) return null
  const keys = new Array(indexes.length)
  for (let i = 0; i < indexes.length; i++) {
    const arg = args[indexes[i]]
    // Too few arguments for the key spec: Redis refuses it; until then it is a barrier.
    if (arg === undefined) return null
    keys[i] = text(arg)
  }
  return keys
}

const text = (arg) => (typeof arg === 'string' ? arg : arg.toString('utf8'))
const isPatternOption = (arg) => /^(by|get)$/i.test(text(arg))

/**
 * ioredis's reply transformers (RESP2): only hgetall turns a flat array into an object. Like
 * ioredis, they are looked up by the command name exactly as given, so `call('HGETALL', k)` stays a
 * flat array; a null prototype keeps names like "constructor" from finding anything.
 */
const replyTransformers = Object.assign(Object.create(null), {
  hgetall(reply) {
    if (!Array.isArray(reply)) return reply
    const object = {}
    for (let i = 0; i < reply.length; i += 2) {
      // defineProperty, so a field named "__proto__" is stored as data (ioredis #1267).
      Object.defineProperty(object, reply[i], {
        value: reply[i + 1],
        enumerable: true,
        writable: true,
        configurable: true,
      })
    }
    return object
  },
})

/** The transformer for a command name exactly as given, or null (never undefined: no default kicks in). */
function replyTransformer(name) {
  return replyTransformers[name] ?? null
}

module.exports = { names, refusal, isReadOnly, keyIndexes, orderingKeys, replyTransformers, replyTransformer }
