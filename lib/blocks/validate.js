'use strict'
// Argument checks shared by the building blocks: a bad option fails at the call, before any
// Redis command or loader runs, with the option's name in the message.

function positiveInteger(value, name) {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive integer, got ${describe(value)}`)
  }
  return value
}

function nonNegativeInteger(value, name) {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${describe(value)}`)
  }
  return value
}

function nonEmptyString(value, name, maxLength = 512) {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
    throw new TypeError(`${name} must be a non-empty string of at most ${maxLength} characters, got ${describe(value)}`)
  }
  return value
}

function describe(value) {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
  if (typeof value === 'bigint') return `${value}n`
  if (value === null || typeof value !== 'object') return String(value)
  return Array.isArray(value) ? 'an array' : 'an object'
}

module.exports = { positiveInteger, nonNegativeInteger, nonEmptyString, describe }
