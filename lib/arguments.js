'use strict'
// Command arguments the way ioredis takes them, made safe for a JSON request body.
const { isUtf8 } = require('node:buffer')

/** Fixes lone surrogates the way Buffer.from(string) does (U+FFFD), which JSON parsers reject. */
const wellFormed =
  typeof String.prototype.toWellFormed === 'function'
    ? (s) => (s.isWellFormed() ? s : s.toWellFormed())
    : (s) => Buffer.from(s, 'utf8').toString('utf8')

function isPlainObject(value) {
  if (value === null || typeof value !== 'object') return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/** `hset(key, {f: v})`, `hset(key, Map)`, `mset({k: v})`… expand to flat field/value lists, like ioredis. */
function expandObjects(name, args) {
  const entries = (object) => (object instanceof Map ? [...object] : Object.entries(object)).flat()
  switch (name) {
    case 'hset':
    case 'hmset':
      if (args.length === 2 && (args[1] instanceof Map || isPlainObject(args[1]))) return [args[0], ...entries(args[1])]
      return args
    case 'mset':
    case 'msetnx':
      if (args.length === 1 && (args[0] instanceof Map || isPlainObject(args[0]))) return entries(args[0])
      return args
    default:
      return args
  }
}

/** One argument as a string or Buffer; anything that has no Redis meaning is refused. */
function toArg(value, name, position) {
  switch (typeof value) {
    case 'string':
      return wellFormed(value)
    case 'number':
      // Like ioredis: integers beyond 2^53 are written out in full ("1000000000000000000000", not "1e+21").
      return Number.isInteger(value) && !Number.isSafeInteger(value) ? BigInt(value).toString() : String(value)
    case 'bigint':
    case 'boolean':
      return String(value)
    case 'undefined':
      return ''
    default:
      if (value === null) return ''
      if (Buffer.isBuffer(value)) return value
      if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength)
      throw new TypeError(
        `${name}: argument ${position + 1} is ${describe(value)}; pass a string, number or Buffer ` +
          '(JSON.stringify objects yourself) so nothing like "[object Object]" is ever stored',
      )
  }
}

function describe(value) {
  if (Array.isArray(value)) return 'a nested array'
  if (value instanceof Map) return 'a Map'
  return `an object (${value.constructor?.name ?? 'null prototype'})`
}

/** Flattens one level (ioredis: `del(['a', 'b'])` ≡ `del('a', 'b')`), expands objects, converts. */
function normalizeArgs(name, rawArgs) {
  // Fast path for the common case, strings and numbers only: no intermediate arrays.
  const args = new Array(rawArgs.length)
  for (let i = 0; i < rawArgs.length; i++) {
    const value = rawArgs[i]
    if (typeof value !== 'string' && typeof value !== 'number') return normalizeSlow(name, rawArgs)
    args[i] = toArg(value, name, i)
  }
  return args
}

function normalizeSlow(name, rawArgs) {
  const args = expandObjects(name, rawArgs.flat())
  return args.map((value, i) => toArg(value, name, i))
}

/**
 * Longest path-form path sent. The client's HTTP stack refuses a URI of 64 KiB or more (the
 * `http` crate stores lengths in a u16), with an error that names no argument; this leaves room
 * for the base URL.
 */
const MAX_PATH_BYTES = 60 * 1024

/**
 * Why `value` cannot be one segment of a URL path, or undefined when it can. URL parsers (the
 * WHATWG rules, and the url crate under reqwest) remove "." and ".." segments — also written
 * %2e / %2E — before the request leaves, and the gateway, like path routers generally, drops
 * empty segments: such an argument would vanish, or remove its neighbour, without an error. No
 * escape helps (a percent-encoded dot is still a dot segment), and the REST API has no other form
 * for a binary argument, so these are refused rather than sent.
 */
function pathSegmentProblem(value) {
  const text = typeof value === 'string' ? value : value.toString('latin1')
  if (text === '') return 'an empty string, which a URL path cannot carry (empty segments are dropped)'
  if (text === '.' || text === '..') {
    return `${JSON.stringify(text)}, which a URL path cannot carry (URLs remove "." and ".." segments)`
  }
  return undefined
}

/**
 * The most bytes one UTF-16 unit of a string can take in JSON: a control character is escaped as
 * `\u00XX`. (Non-ASCII takes at most 3 bytes per unit, a surrogate pair 4 for two.)
 */
const MAX_JSON_BYTES_PER_UNIT = 6

/**
 * The request form of one command. Strings and UTF-8 Buffers travel in JSON; a Buffer that is not
 * valid UTF-8 cannot, so it may only be the last argument, sent as the raw body of the path form
 * (`/<name>/<arg>/…`, the other arguments as path segments). An argument the path cannot carry
 * exactly is refused here, before anything is sent.
 *
 * The JSON form is not serialized here: `parts` (the name and the arguments, all strings) go into
 * the request body with the other commands of their request, in one `JSON.stringify`
 * (lib/dispatcher.js). `maxBytes` bounds the command's size in that body, so the batch caps can be
 * kept without measuring every command: only a request near `maxBatchBytes` measures exactly.
 * @returns {{ parts: string[], maxBytes: number, json: undefined, bytes: 0 } | { path: string, body: Buffer }}
 *   (`json`/`bytes`: filled in by the dispatcher when it measures the command)
 */
function encodeCommand(name, args) {
  let binaryAt = -1
  const parts = new Array(args.length + 1)
  parts[0] = name
  let units = name.length
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (typeof arg === 'string') {
      parts[i + 1] = arg
      units += arg.length
    } else if (isUtf8(arg)) {
      const text = arg.toString('utf8')
      parts[i + 1] = text
      units += text.length
    } else {
      if (binaryAt !== -1 || i !== args.length - 1) {
        throw new TypeError(
          `${name}: argument ${i + 1} is binary (not valid UTF-8). The Upstash REST API carries binary data only ` +
            'as the raw body of a request, so only the last argument of a command may be binary',
        )
      }
      binaryAt = i
      parts[i + 1] = arg
    }
  }
  // "[" and "]", and per part its quotes and a comma (one too many: an upper bound).
  if (binaryAt === -1)
    return { parts, maxBytes: 2 + 3 * parts.length + MAX_JSON_BYTES_PER_UNIT * units, json: undefined, bytes: 0 }
  const segments = parts.slice(0, -1)
  for (let i = 0; i < segments.length; i++) {
    const problem = pathSegmentProblem(segments[i])
    if (problem === undefined) continue
    throw new TypeError(
      `${name}: ${i === 0 ? 'the command name' : `argument ${i}`} is ${problem}. This command must travel in ` +
        "the REST API's path form because its last argument is binary (not valid UTF-8), and there every " +
        'other argument is a path segment. Send the binary value as text (e.g. base64), or keep "", "." and ' +
        '".." out of the other arguments',
    )
  }
  const path = '/' + segments.map((p) => encodeURIComponent(p)).join('/')
  if (path.length > MAX_PATH_BYTES) {
    throw new TypeError(
      `${name}: the arguments before the binary last one make a URL path of ${path.length} bytes once ` +
        `percent-encoded; at most ${MAX_PATH_BYTES} can be sent. This command must travel in the REST API's ` +
        'path form because its last argument is binary (not valid UTF-8); send the binary value as text ' +
        '(e.g. base64) so the command goes in a JSON body instead',
    )
  }
  return { path, body: parts[parts.length - 1] }
}

module.exports = { normalizeArgs, encodeCommand, pathSegmentProblem, MAX_PATH_BYTES, toArg, wellFormed }
