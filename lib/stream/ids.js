'use strict'
// Stream entry ids as Redis reads them: `<ms>-<seq>` or `<ms>` (seq 0), each part an unsigned
// 64-bit integer. Anything else — out of range, signed, blank — Redis rejects, so it is rejected
// here, before it reaches a command (where it would fail every retry the same way).

const U64_MAX = (1n << 64n) - 1n
/** The greatest id: nothing can follow it, and Redis refuses `(` before it. */
const MAX_ID = `${U64_MAX}-${U64_MAX}`

/** `[ms, seq]` as BigInts, or undefined when Redis would not accept `text` as an id. */
function parseId(text) {
  const match = typeof text === 'string' ? /^(\d{1,20})(?:-(\d{1,20}))?$/.exec(text) : null
  if (!match) return undefined
  const ms = BigInt(match[1])
  const seq = BigInt(match[2] ?? 0)
  return ms > U64_MAX || seq > U64_MAX ? undefined : [ms, seq]
}

/** The canonical `<ms>-<seq>` form of a valid id ('007' → '7-0'), else undefined. */
function canonicalId(text) {
  const parsed = parseId(text)
  return parsed && `${parsed[0]}-${parsed[1]}`
}

/** <0, 0, >0 like a comparator, for two valid ids. */
function compareIds(a, b) {
  const [am, as] = parseId(a)
  const [bm, bs] = parseId(b)
  if (am !== bm) return am < bm ? -1 : 1
  return as === bs ? 0 : as < bs ? -1 : 1
}

module.exports = { MAX_ID, canonicalId, compareIds }
