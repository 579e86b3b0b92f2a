'use strict'
// ioredis 6's defaults against ours, for every option both clients have: each one that differs is
// a decision, listed in the README's differences ("defaults that differ from ioredis 6"), and the
// rest are equal. A default changed on either side fails here until the README says so.
const fs = require('node:fs')
const path = require('node:path')
const IORedis = require('ioredis')
const Redis = require('../../..')

/** The options whose defaults are designed to differ, with ours and ioredis's value. */
const DIFFERENT = {
  maxRetriesPerRequest: { ours: 3, ioredis: 20 },
  enableAutoPipelining: { ours: true, ioredis: false },
}

const readme = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'README.md'), 'utf8')
// The bullet of the README's differences that lists the defaults, its lines joined.
const differencesNote = readme
  .split(/\n(?:\* |\n)/)
  .find((item) => item.startsWith('defaults that differ from ioredis 6'))
  ?.replace(/\s+/g, ' ')

function bothDefaults() {
  const ioredis = new IORedis({ lazyConnect: true })
  const ours = new Redis({ url: 'http://127.0.0.1:1', token: 't', lazyConnect: true })
  try {
    return { ioredis: { ...ioredis.options }, ours: { ...ours.options } }
  } finally {
    ioredis.disconnect()
    ours.disconnect()
  }
}

test('every shared option has the same default, but for the documented ones', () => {
  const { ioredis, ours } = bothDefaults()
  const shared = Object.keys(ours).filter((name) => name in ioredis && typeof ioredis[name] !== 'function')
  // The shared ones include the reply options, so stringNumbers/protocol/replyMapping are checked too.
  expect(shared).toEqual(
    expect.arrayContaining(['keyPrefix', 'lazyConnect', 'stringNumbers', 'protocol', 'replyMapping']),
  )
  const differing = Object.fromEntries(
    shared
      .filter((name) => ours[name] !== ioredis[name])
      .map((name) => [name, { ours: ours[name], ioredis: ioredis[name] }]),
  )
  expect(differing).toEqual(DIFFERENT)
})

test('each difference is listed in the README with both values', () => {
  expect(differencesNote).toBeDefined()
  for (const [name, { ours, ioredis }] of Object.entries(DIFFERENT)) {
    expect(differencesNote).toContain(`\`${name}\` is \`${ours}\` (ioredis: ${ioredis})`)
  }
})

test('retries back off differently from ioredis reconnects, and the README says how', () => {
  const { ioredis } = bothDefaults()
  // ioredis: min(50·2^(n−1), 5000) ms plus up to 200 ms of jitter, before each reconnect.
  expect(ioredis.retryStrategy(1)).toBeGreaterThanOrEqual(50)
  expect(ioredis.retryStrategy(30)).toBeGreaterThanOrEqual(5000)
  expect(differencesNote).toMatch(/retries back off from 50 ms to at most 2 s \(ioredis reconnects after 50 ms to 5 s/)
})
