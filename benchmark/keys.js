'use strict'
// The keyspaces the RTT benchmark preloads and reads. Indexes are zero-padded to 12 digits because
// that is how redis-benchmark expands `__rand_int__`, so it reads the very same keys.

const KEYS = 1000

/** Value size (bytes) per keyspace. */
const VALUE_SIZES = Object.freeze({ small: 100, large: 4096, session: 100, cache: 100, page: 100 })

const keyName = (space, i) => `bench:${space}:${String(i).padStart(12, '0')}`

const values = new Map()
/** The one value of `size` bytes every key of that size holds. */
function valueOf(size) {
  if (!values.has(size)) values.set(size, 'v'.repeat(size))
  return values.get(size)
}

module.exports = { KEYS, VALUE_SIZES, keyName, valueOf }
