'use strict'
// Strict JSON for the building blocks: a value is stored only when its JSON round trip gives the
// same data back. JSON.stringify alone silently turns a function into '' or undefined, writes NaN
// as null and a Map as {} — data that is lost without a word. A property whose value is undefined
// is the one loss accepted: it reads as absent both ways (`'k' in o` aside), and objects built by
// common libraries carry such properties (the AI SDK's `providerMetadata: undefined`).

/**
 * The JSON text of `value`, or a TypeError naming the first part that JSON cannot carry.
 * @param {unknown} value
 * @param {string} what who stores it, for the message ("QueryCache value for \"k\"")
 */
function encodeJson(value, what) {
  const problem = findProblem(value, '$', new Set())
  if (problem) throw new TypeError(`${what}: ${problem}; only JSON data can be stored`)
  return JSON.stringify(value)
}

function findProblem(value, path, ancestors) {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return null
    case 'number':
      return Number.isFinite(value) ? null : `${path} is ${value}, which JSON writes as null`
    case 'undefined':
      return `${path} is undefined`
    case 'function':
      return `${path} is a function`
    case 'symbol':
      return `${path} is a symbol`
    case 'bigint':
      return `${path} is a BigInt (store it as a string)`
  }
  if (value === null) return null
  if (typeof value.toJSON === 'function') return findProblem(value.toJSON(), path, ancestors)
  if (ancestors.has(value)) return `${path} is a circular reference`
  const proto = Object.getPrototypeOf(value)
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) {
    const name = (proto && proto.constructor && proto.constructor.name) || 'object'
    return `${path} is a ${name}, which JSON does not carry (convert it to a plain object or array)`
  }
  ancestors.add(value)
  try {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i += 1) {
        const problem = findProblem(value[i], `${path}[${i}]`, ancestors)
        if (problem) return problem
      }
      return null
    }
    for (const key of Object.keys(value)) {
      if (value[key] === undefined) continue // absent in JSON, as JSON.stringify writes it
      const problem = findProblem(value[key], `${path}.${key}`, ancestors)
      if (problem) return problem
    }
    return null
  } finally {
    ancestors.delete(value)
  }
}

/** `{ ok: true, value }` for JSON text, `{ ok: false }` for anything else (never throws). */
function decodeJson(text) {
  if (typeof text !== 'string') return { ok: false }
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch {
    return { ok: false }
  }
}

module.exports = { encodeJson, decodeJson }
