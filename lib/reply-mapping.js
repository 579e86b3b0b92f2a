'use strict'
// ioredis 6's `replyMapping: 'resp3'` on top of REST, whose replies are always RESP2-shaped.
//
// Over RESP3, ioredis gets maps, doubles and pairs from the wire and hands them over as plain
// objects, numbers and `[member, score]` pairs. REST has no RESP3 (Upstash offers no HELLO 3), so
// the same shapes are rebuilt here from the RESP2 reply, per command: the type information RESP3
// carries on the wire lives in this table instead. Like RESP3's types (and unlike the legacy
// transformers, which match the method name exactly), it applies however the command was sent —
// `call('CONFIG', 'GET', …)` included. Checked against real ioredis over RESP3 in
// __test__/client/differential/reply-mapping.test.js.

const text = (value) => (Buffer.isBuffer(value) ? value.toString() : value)

/** A RESP3 double from its RESP2 text: `inf`/`-inf`/`nan` included; nil stays null. */
function double(value) {
  if (value === null || value === undefined || typeof value === 'number') return value
  const s = text(value).toLowerCase()
  if (s === 'inf' || s === '+inf') return Infinity
  if (s === '-inf') return -Infinity
  if (s === 'nan') return NaN
  return Number(s)
}

/** A RESP3 double under `stringNumbers` (ioredis maps DOUBLE to String then): its text, Buffer or not. */
function doubleText(value) {
  if (value === null || value === undefined) return value
  return String(text(value))
}

/** A RESP3 map from RESP2's flat `[key, value, …]`; keys as strings, stored as data (`__proto__` too). */
function map(flat, value = (v) => v) {
  if (!Array.isArray(flat)) return flat
  const object = {}
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const key = String(text(flat[i]))
    Object.defineProperty(object, key, {
      value: value(flat[i + 1], key),
      enumerable: true,
      writable: true,
      configurable: true,
    })
  }
  return object
}

/** `map` for use as a callback (where a second argument would be taken for the value mapper). */
const asMap = (flat) => map(flat)

const each = (fn) => (reply) => (Array.isArray(reply) ? reply.map(fn) : reply)

/** `[field, value, …]` → `[[field, value], …]`. */
function pairs(flat) {
  if (!Array.isArray(flat)) return flat
  const out = []
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i], flat[i + 1]])
  return out
}

/**
 * Whether an option token stands among `args` from index `from` on — past the positional
 * arguments, so a key or member that happens to read "WITHSCORES" is not taken for the option.
 */
function has(args, token, from = 0) {
  for (let i = from; i < args.length; i++) if (String(text(args[i])).toUpperCase() === token) return true
  return false
}

/** ZADD's options come between the key and the first score. */
function zaddIncr(args) {
  for (let i = 1; i < args.length; i++) {
    const word = String(text(args[i])).toUpperCase()
    if (word === 'INCR') return true
    if (!['NX', 'XX', 'GT', 'LT', 'CH'].includes(word)) return false
  }
  return false
}

/** Where the options of ZUNION/ZINTER/ZDIFF start: after `numkeys` and that many keys. */
const afterKeys = (args) => 1 + (Number(text(args[0])) || 0)

/** A map whose named fields have their own shapes. */
const mapWith = (fields) => (flat) => map(flat, (value, key) => (fields[key] ? fields[key](value) : value))

const commandDoc = (flat) =>
  mapWith({ arguments: each(commandArgument), subcommands: (s) => map(s, commandDoc), history: (h) => h })(flat)
const commandArgument = (flat) => mapWith({ arguments: each(commandArgument) })(flat)

const xinfoGroupFull = mapWith({ consumers: each(asMap) })

/**
 * The mapping tables, for one reading of RESP3 doubles: as numbers, or as their text under
 * `stringNumbers` (which leaves the other shapes as they are).
 */
function tables(double) {
  /** `[member, score, …]` → `[[member, score], …]` with scores as doubles. */
  function scorePairs(flat) {
    if (!Array.isArray(flat)) return flat
    const pairs = []
    for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([flat[i], double(flat[i + 1])])
    return pairs
  }

  const coords = (c) => (Array.isArray(c) ? c.map(double) : c)

  /** GEOSEARCH/GEORADIUS items: `[member, dist?, hash?, [lon, lat]?]`; only coordinates are doubles over RESP3. */
  function geoItems(reply, args, from) {
    if (!has(args, 'WITHCOORD', from) || !Array.isArray(reply)) return reply
    return reply.map((item) =>
      Array.isArray(item) ? item.map((part) => (Array.isArray(part) ? coords(part) : part)) : item,
    )
  }

  /**
   * name → (reply, args) → RESP3-shaped reply. `args` are the command's arguments (after the name),
   * so subcommands and options such as WITHSCORES decide the shape as they decide it in Redis.
   */
  const byName = Object.assign(Object.create(null), {
    hgetall: (reply) => map(reply),
    // RESP2 sends a list of [stream, entries] pairs; RESP3 a map of stream → entries.
    xread: (reply) => (Array.isArray(reply) ? map(reply.flat(1)) : reply),
    xreadgroup: (reply) => (Array.isArray(reply) ? map(reply.flat(1)) : reply),
    hrandfield: (reply, args) => (has(args, 'WITHVALUES', 2) ? pairs(reply) : reply),

    zscore: double,
    zincrby: double,
    zmscore: each(double),
    zadd: (reply, args) => (zaddIncr(args) ? double(reply) : reply),
    zrange: (reply, args) => (has(args, 'WITHSCORES', 3) ? scorePairs(reply) : reply),
    zrangebyscore: (reply, args) => (has(args, 'WITHSCORES', 3) ? scorePairs(reply) : reply),
    zrevrange: (reply, args) => (has(args, 'WITHSCORES', 3) ? scorePairs(reply) : reply),
    zrevrangebyscore: (reply, args) => (has(args, 'WITHSCORES', 3) ? scorePairs(reply) : reply),
    zrandmember: (reply, args) => (has(args, 'WITHSCORES', 2) ? scorePairs(reply) : reply),
    zunion: (reply, args) => (has(args, 'WITHSCORES', afterKeys(args)) ? scorePairs(reply) : reply),
    zinter: (reply, args) => (has(args, 'WITHSCORES', afterKeys(args)) ? scorePairs(reply) : reply),
    zdiff: (reply, args) => (has(args, 'WITHSCORES', afterKeys(args)) ? scorePairs(reply) : reply),
    // Without COUNT one flat pair; with COUNT a list of pairs.
    zpopmin: (reply, args) => (args.length > 1 ? scorePairs(reply) : (scorePairs(reply)[0] ?? reply)),
    zpopmax: (reply, args) => (args.length > 1 ? scorePairs(reply) : (scorePairs(reply)[0] ?? reply)),
    // [key, [[member, score], …]]; nil when nothing was popped.
    zmpop: (reply) => (Array.isArray(reply) ? [reply[0], each(([m, score]) => [m, double(score)])(reply[1])] : reply),
    zrank: (reply, args) => (has(args, 'WITHSCORE', 2) && Array.isArray(reply) ? [reply[0], double(reply[1])] : reply),
    zrevrank: (reply, args) =>
      has(args, 'WITHSCORE', 2) && Array.isArray(reply) ? [reply[0], double(reply[1])] : reply,

    geopos: each(coords),
    // The token after FROMMEMBER is a member's name, whatever it reads.
    geosearch: (reply, args) =>
      geoItems(
        reply,
        args.filter((_, i) => String(text(args[i - 1])).toUpperCase() !== 'FROMMEMBER'),
        1,
      ),
    georadius: (reply, args) => geoItems(reply, args, 5),
    georadius_ro: (reply, args) => geoItems(reply, args, 5),
    georadiusbymember: (reply, args) => geoItems(reply, args, 4),
    georadiusbymember_ro: (reply, args) => geoItems(reply, args, 4),

    lcs: (reply, args) => (has(args, 'IDX', 2) ? map(reply) : reply),
  })

  /** Subcommands, by `name subcommand`. */
  const bySubcommand = Object.assign(Object.create(null), {
    'config get': (reply) => map(reply),
    'acl getuser': mapWith({ selectors: each(asMap) }),
    'xinfo stream': (reply, args) =>
      has(args, 'FULL', 1) ? mapWith({ groups: each(xinfoGroupFull) })(reply) : map(reply),
    'xinfo groups': each(asMap),
    'xinfo consumers': each(asMap),
    'command docs': (reply) => map(reply, commandDoc),
  })
  return { byName, bySubcommand }
}

const AS_NUMBERS = tables(double)
const AS_TEXT = tables(doubleText)

/**
 * The RESP3 reshaping of one command's reply, or null when RESP3 gives it the RESP2 shape.
 * @param {string} name the command name, any case
 * @param {Array<string|Buffer|number>} args its arguments (the subcommand first, where it has one)
 * @param {{ stringNumbers?: boolean }} [options] the client's options: doubles as text under stringNumbers
 * @returns {((reply: unknown) => unknown) | null}
 */
function resp3Mapper(name, args, { stringNumbers = false } = {}) {
  const { byName, bySubcommand } = stringNumbers ? AS_TEXT : AS_NUMBERS
  const lower = name.toLowerCase()
  const sub = args.length > 0 ? bySubcommand[`${lower} ${String(text(args[0])).toLowerCase()}`] : undefined
  const fn = sub ?? byName[lower]
  if (!fn) return null
  const rest = sub ? args.slice(1) : args
  return (reply) => (reply instanceof Error ? reply : fn(reply, rest))
}

module.exports = { resp3Mapper, double }
