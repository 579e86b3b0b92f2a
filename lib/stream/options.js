'use strict'
// The options of ChatStreams: their defaults and their checks. A bad value is refused here with
// its name, never passed on (EXPIRE 0 deletes the key, setTimeout(0) spins, a huge pollMs
// overflows setTimeout to 1 ms).

const DEFAULTS = {
  prefix: 'chat:stream:',
  maxLen: 100_000,
  activeTtlSeconds: 24 * 3600,
  finishedTtlSeconds: 3600,
  pollMs: 1000,
}

const TIMER_MAX_MS = 2 ** 31 - 1 // setTimeout's limit

const CHECKS = {
  prefix: (value) => typeof value === 'string' || 'a string',
  maxLen: positiveInteger,
  activeTtlSeconds: positiveInteger,
  finishedTtlSeconds: positiveInteger,
  pollMs: (value) =>
    (positiveInteger(value) === true && value <= TIMER_MAX_MS) || `an integer from 1 to ${TIMER_MAX_MS}`,
}

function positiveInteger(value) {
  return (Number.isSafeInteger(value) && value > 0) || 'a positive integer'
}

/** The options with defaults filled in; throws a TypeError naming the first bad one. */
function resolveStreamOptions(options = {}) {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`ChatStreams: options must be an object, got ${typeof options}`)
  }
  for (const name of Object.keys(options)) {
    if (!(name in CHECKS)) throw new TypeError(`ChatStreams: unknown option ${JSON.stringify(name)}`)
  }
  const resolved = {}
  for (const [name, check] of Object.entries(CHECKS)) {
    const value = options[name] === undefined ? DEFAULTS[name] : options[name]
    const verdict = check(value)
    if (verdict !== true) throw new TypeError(`ChatStreams: ${name} must be ${verdict}, got ${show(value)}`)
    resolved[name] = value
  }
  return resolved
}

function show(value) {
  return typeof value === 'string' ? JSON.stringify(value) : String(value)
}

module.exports = { resolveStreamOptions }
