'use strict'
// The SDK's read-your-writes session: `upstash-sync-token` must be present and new on every response.
const { uniqueKey } = require('../support')
const { sdk } = require('./support')

describe('SDK readYourWritesSyncToken', () => {
  test('starts empty, is set by the first command, and changes after every request', async () => {
    const redis = sdk()
    const k = uniqueKey('ryw')
    expect(redis.readYourWritesSyncToken).toBe('')
    const seen = []
    const step = async (what, run) => {
      await run()
      const token = redis.readYourWritesSyncToken
      expect({ what, token }).toEqual({ what, token: expect.stringMatching(/\S/) })
      expect({ what, token }).not.toEqual({ what, token: seen[seen.length - 1] })
      seen.push(token)
    }
    await step('single set', () => redis.set(k, 'a'))
    await step('second set', () => redis.set(k, 'b'))
    await step('get', () => redis.get(k))
    await step('pipeline', () => redis.pipeline().set(k, 'c').get(k).exec())
    await step('multi', () => redis.multi().incr(`${k}:n`).get(`${k}:n`).exec())
    await step('script', () => redis.eval('return ARGV[1]', [], ['x']))
    await step('direct lrange', () => redis.lrange(`${k}:l`, 0, -1))
    expect(new Set(seen).size).toBe(seen.length)
  })

  test('a token carried into a second client is accepted and replaced', async () => {
    const a = sdk()
    const b = sdk()
    const k = uniqueKey('ryw-share')
    await a.set(k, 'shared')
    const token = a.readYourWritesSyncToken
    b.readYourWritesSyncToken = token
    expect(await b.get(k)).toBe('shared')
    expect(b.readYourWritesSyncToken).toEqual(expect.stringMatching(/\S/))
    expect(b.readYourWritesSyncToken).not.toBe(token)
  })
})
