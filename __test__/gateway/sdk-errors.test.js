'use strict'
// How gateway errors surface through the official SDK's error classes.
const { errors } = require('@upstash/redis')
const { uniqueKey } = require('../support')
const { sdk } = require('./support')

const redis = sdk()
const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value'

async function failure(promise) {
  try {
    await promise
  } catch (err) {
    return err
  }
  throw new Error('expected the command to fail')
}

describe('SDK errors', () => {
  test('WRONGTYPE via an auto-pipelined command is an UpstashError with the Redis text', async () => {
    const k = uniqueKey('err-wt')
    await redis.set(k, 'text')
    const err = await failure(redis.lpush(k, 'x'))
    expect(err).toBeInstanceOf(errors.UpstashError)
    expect(err.name).toBe('UpstashError')
    expect(err.message).toContain(WRONGTYPE)
  })

  test('WRONGTYPE via a directly sent command (non-2xx path) is an UpstashError too', async () => {
    const k = uniqueKey('err-wt-direct')
    await redis.set(k, 'text')
    const direct = sdk({ enableAutoPipelining: false })
    const err = await failure(direct.lrange(k, 0, -1))
    expect(err).toBeInstanceOf(errors.UpstashError)
    expect(err.name).toBe('UpstashError') // not UpstashJSONParseError: the 400 body is JSON
    expect(err.message).toContain(WRONGTYPE)
  })

  test('a bad token fails with an UpstashError carrying the JSON error (401)', async () => {
    const bad = sdk({ token: 'not-the-token', enableAutoPipelining: false, retry: false })
    const err = await failure(bad.get(uniqueKey('err-auth')))
    expect(err).toBeInstanceOf(errors.UpstashError)
    expect(err.name).toBe('UpstashError')
    expect(err.message).not.toMatch(/^undefined/) // the 401 body had an "error" string
    expect(err.message).not.toContain('not-the-token')
  })

  test('a bad token also fails auto-pipelined commands', async () => {
    const bad = sdk({ token: 'not-the-token', retry: false })
    const results = await Promise.allSettled([bad.set(uniqueKey('err-ap'), 1), bad.get(uniqueKey('err-ap'))])
    for (const r of results) {
      expect(r.status).toBe('rejected')
      expect(r.reason).toBeInstanceOf(errors.UpstashError)
      expect(r.reason.name).toBe('UpstashError')
    }
  })
})
