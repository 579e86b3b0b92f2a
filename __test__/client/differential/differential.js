'use strict'
// The differential harness (not a suite itself). A scenario is run twice: through real ioredis
// (RESP2, straight to the test redis-server) and through our client (REST, via the local gateway),
// each with its own unique key, and the two outcomes must be strictly deep-equal, values and
// errors alike.
//
//   both('incr', async (r, key) => [await r.incr(key), await r.get(key)])
//
// `r` is the client under test, `key` a fresh key base; derive more keys as `${key}:a`, and match
// them with patterns like `${key}:*`. Each side's key base is replaced by "<key>" in the outcome,
// so replies that name keys (SCAN, XREAD…) compare too; `alias(text, placeholder)`, the third
// argument, does the same for other per-side text (the SHA of a script that embeds the key).
// Errors, thrown or inside results (pipeline slots), compare by `name` and `message`.
const IORedis = require('ioredis')
const Redis = require('../../..')
const { env, uniqueKey } = require('../../support')

const WAIT_TIMEOUT_MS = 10000

// FRAGMENT_DIFF_RESPONSE_ENCODING=resp2 runs the whole suite over our client's other reply path
// (raw RESP2 bodies instead of base64 JSON): `FRAGMENT_DIFF_RESPONSE_ENCODING=resp2 npx jest
// __test__/client/differential`.
const OUR_OPTIONS = process.env.FRAGMENT_DIFF_RESPONSE_ENCODING
  ? { responseEncoding: process.env.FRAGMENT_DIFF_RESPONSE_ENCODING }
  : {}

const pairs = new Map()

/**
 * The two clients for a set of shared options (keyPrefix…), created once per test file and closed
 * after it.
 */
function clients(options = {}) {
  const id = JSON.stringify(options)
  if (!pairs.has(id)) {
    const { url, token, redisUrl } = env()
    pairs.set(id, {
      // protocol: 2 keeps ioredis v6 on RESP2, so replies have the v5 shapes our client promises;
      // a suite comparing RESP3 reply mapping passes `{ protocol: 3, replyMapping: 'resp3' }`.
      ioredis: new IORedis(redisUrl, { protocol: 2, ...options, maxRetriesPerRequest: 1 }),
      ours: new Redis({ ...options, ...OUR_OPTIONS, url, token }),
    })
  }
  return pairs.get(id)
}

afterAll(async () => {
  const all = [...pairs.values()]
  pairs.clear()
  await Promise.all(all.flatMap(({ ioredis, ours }) => [ioredis.quit(), ours.quit()]))
})

/**
 * Runs the scenario, turning a rejection into an outcome of its own. Resolves `[outcome, aliases]`:
 * the per-side texts to replace by placeholders, the key base first.
 */
async function outcome(scenario, client, key) {
  const aliases = [[key, '<key>']]
  const alias = (text, placeholder) => {
    aliases.push([text, placeholder])
    return text
  }
  try {
    return [{ result: await scenario(client, key, alias) }, aliases]
  } catch (error) {
    return [{ thrown: error }, aliases]
  }
}

function replaceAll(text, aliases) {
  return aliases.reduce((out, [from, to]) => out.split(from).join(to), text)
}

/** The comparable form of an outcome: errors by name and message, per-side texts as placeholders. */
function canonical(value, aliases) {
  if (typeof value === 'string') return replaceAll(value, aliases)
  if (Buffer.isBuffer(value)) {
    const text = value.toString('latin1')
    return aliases.some(([from]) => text.includes(from)) ? Buffer.from(replaceAll(text, aliases), 'latin1') : value
  }
  if (value instanceof Error) return { error: value.name, message: canonical(value.message, aliases) }
  if (Array.isArray(value)) return value.map((item) => canonical(item, aliases))
  if (value !== null && typeof value === 'object') {
    const proto = Object.getPrototypeOf(value)
    if (proto !== Object.prototype && proto !== null) return value // Map, Date…: compared as they are
    const copy = Object.create(proto)
    for (const field of Object.keys(value)) {
      // defineProperty: a field named "__proto__" stays an own data property.
      Object.defineProperty(copy, canonical(field, aliases), {
        value: canonical(value[field], aliases),
        enumerable: true,
        writable: true,
        configurable: true,
      })
    }
    return copy
  }
  return value
}

/** The key base for one side; the side label ends it, so no base is a prefix of another. */
function keyBase(name, side) {
  const slug = name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)
  return `diff:${uniqueKey(slug)}:${side}`
}

/** ioredis first, then ours (sequentially, so a failure points at one side), then one assertion. */
async function compare(name, scenario, options) {
  const { ioredis, ours } = clients(options)
  const refKey = keyBase(name, 'ref')
  const ourKey = keyBase(name, 'our')
  const expected = canonical(...(await outcome(scenario, ioredis, refKey)))
  const actual = canonical(...(await outcome(scenario, ours, ourKey)))
  expect(actual).toStrictEqual(expected)
  return actual
}

/**
 * A test that runs `scenario(client, key, alias)` through ioredis and through our client and
 * expects strictly equal outcomes.
 * @param {string} name
 * @param {(client: object, key: string, alias: (text: string, placeholder: string) => string) => Promise<unknown>} scenario
 * @param {number} [timeout] test timeout in ms (Jest's default otherwise)
 */
function both(name, scenario, timeout) {
  test(name, () => compare(name, scenario), timeout)
}

/** `both`, with clients that share extra constructor options: `bothWith({ keyPrefix: 'p:' })(name, scenario)`. */
function bothWith(options) {
  return (name, scenario, timeout) => test(name, () => compare(name, scenario, options), timeout)
}

/** Resolves with the rejection reason (or `{ resolved }`), so a scenario can go on after an error. */
function rejection(promise) {
  return promise.then(
    (resolved) => ({ resolved }),
    (error) => error,
  )
}

/** Calls `start(callback)` and resolves `[err, result]` once the callback fires (bounded). */
function viaCallback(start, timeoutMs = WAIT_TIMEOUT_MS) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`callback not called within ${timeoutMs} ms`)), timeoutMs)
    start((error, result) => {
      clearTimeout(timer)
      resolve([error ?? null, result])
    })
  })
}

/** A sorted copy, for replies whose order Redis does not define (SMEMBERS, SCAN…). */
function sorted(items) {
  return [...items].sort()
}

/** Every item of a SCAN-family command, following the cursor until it returns to "0" (bounded). */
async function scanAll(next, maxPages = 10000) {
  const items = []
  let cursor = '0'
  for (let page = 0; page < maxPages; page++) {
    const [nextCursor, batch] = await next(cursor)
    items.push(...batch)
    cursor = nextCursor
    if (cursor === '0') return { cursorType: typeof nextCursor, items }
  }
  throw new Error(`scan did not finish within ${maxPages} pages`)
}

/** Every page a scan stream emits, in order, once it ends (bounded). */
function collect(stream, timeoutMs = WAIT_TIMEOUT_MS) {
  return new Promise((resolve, reject) => {
    const pages = []
    const timer = setTimeout(() => {
      stream.destroy()
      reject(new Error(`stream did not end within ${timeoutMs} ms`))
    }, timeoutMs)
    stream.on('data', (page) => pages.push(page))
    stream.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    stream.on('end', () => {
      clearTimeout(timer)
      resolve(pages)
    })
  })
}

module.exports = { both, bothWith, clients, rejection, viaCallback, sorted, scanAll, collect }
