'use strict'
// Tokens as Upstash has them: the standard token, a read-only token (reads only; SCAN and KEYS
// refused too; writes get Redis's NOPERM text, as Upstash answers), and REST tokens minted with
// `ACL RESTTOKEN` / `ACL GENTOKEN` for ACL users of the real redis-server, whose commands then run
// as that user (Redis's own ACL rules, Redis's own errors). Checked raw and with the official SDK.
const fs = require('node:fs')
const { Redis } = require('@upstash/redis')
const { startGateway } = require('../../lib/gateway')
const { startDevStack } = require('../../lib/dev-stack')
const { env, uniqueKey } = require('../support')
const { send, openStream, expectError, expectResult, direct, within } = require('./support')
const { generateAll, body, TARGET, KEYS_TARGET } = require('../../scripts/generate-read-commands')

const TOKEN = 'tokens-standard-token'
const READONLY = 'tokens-readonly-token'
const noperm = (name) => `NOPERM this user has no permissions to run the '${name}' command`

let gw
let oracle
beforeAll(async () => {
  gw = await startGateway({ redis: env().redisUrl, port: 0, token: TOKEN, readonlyToken: READONLY })
  oracle = direct()
})
afterAll(async () => {
  await gw.close()
  await oracle.quit()
})

const as = (token, args, opts = {}) => send({ url: gw.url, token, body: args, ...opts })

describe('the read-only token', () => {
  test('runs reads: GET, MGET, EXISTS, TTL, EVAL_RO, PING, the path form', async () => {
    const k = uniqueKey('ro-read')
    expectResult(await as(TOKEN, ['SET', k, 'v']), 'OK')
    expectResult(await as(READONLY, ['GET', k]), 'v')
    expectResult(await as(READONLY, ['MGET', k, `${k}:none`]), ['v', null])
    expectResult(await as(READONLY, ['EXISTS', k]), 1)
    expectResult(await as(READONLY, ['TTL', k]), -1)
    expectResult(await as(READONLY, ['EVAL_RO', 'return redis.call("GET", KEYS[1])', '1', k]), 'v')
    expectResult(await as(READONLY, ['PING']), 'PONG')
    expectResult(
      await send({ url: gw.url, token: READONLY, method: 'GET', path: `/get/${encodeURIComponent(k)}` }),
      'v',
    )
  })

  test.each([
    ['SET', (k) => ['SET', k, 'x'], 'set'],
    ['DEL', (k) => ['DEL', k], 'del'],
    ['INCR', (k) => ['INCR', k], 'incr'],
    ['EVAL (may write; EVAL_RO is the read form)', (k) => ['EVAL', 'return 1', '1', k], 'eval'],
    ['EVALSHA', () => ['EVALSHA', 'a'.repeat(40), '0'], 'evalsha'],
    ['PUBLISH', () => ['PUBLISH', 'ro-chan', 'm'], 'publish'],
    ['FLUSHALL', () => ['FLUSHALL'], 'flushall'],
    ['SCAN (Upstash refuses it to read-only tokens)', () => ['SCAN', '0'], 'scan'],
    ['KEYS (likewise)', () => ['KEYS', '*'], 'keys'],
    ['CONFIG GET (admin)', () => ['CONFIG', 'GET', 'maxmemory'], 'config|get'],
    ['SCRIPT FLUSH', () => ['SCRIPT', 'FLUSH'], 'script|flush'],
  ])('%s → 400 with the NOPERM text, nothing applied', async (_name, build, shown) => {
    const k = uniqueKey('ro-write')
    await oracle.set(k, 'before')
    expectError(await as(READONLY, build(k)), 400, new RegExp(`^${noperm(shown).replace(/[|]/g, '\\|')}$`))
    expect(await oracle.get(k)).toBe('before')
  })

  test('the same commands run with the standard token', async () => {
    const k = uniqueKey('ro-standard')
    expectResult(await as(TOKEN, ['SET', k, 'x']), 'OK')
    expect((await as(TOKEN, ['SCAN', '0', 'COUNT', '1000000', 'MATCH', k])).json).toEqual({ result: ['0', [k]] })
    expectResult(await as(TOKEN, ['EVAL', 'return 1', '0']), 1)
  })

  test('/pipeline: only the refused entries fail; the reads beside them run', async () => {
    const k = uniqueKey('ro-pipe')
    await oracle.set(k, 'v')
    const res = await send({
      url: gw.url,
      token: READONLY,
      path: '/pipeline',
      body: [
        ['GET', k],
        ['SET', k, 'changed'],
        ['STRLEN', k],
      ],
    })
    expect(res.status).toBe(200)
    expect(res.json).toEqual([{ result: 'v' }, { error: noperm('set') }, { result: 1 }])
    expect(await oracle.get(k)).toBe('v')
  })

  test('/multi-exec: one refused command refuses the whole transaction before anything runs', async () => {
    const k = uniqueKey('ro-multi')
    const res = await send({
      url: gw.url,
      token: READONLY,
      path: '/multi-exec',
      body: [
        ['GET', k],
        ['INCR', k],
      ],
    })
    expectError(res, 400, new RegExp(`^${noperm('incr')}$`))
    expect(await oracle.exists(k)).toBe(0)
    const reads = await send({
      url: gw.url,
      token: READONLY,
      path: '/multi-exec',
      body: [
        ['GET', k],
        ['EXISTS', k],
      ],
    })
    expect(reads.json).toEqual([{ result: null }, { result: 0 }])
  })

  test('/subscribe is a read: a read-only stream receives what the standard token publishes', async () => {
    const channel = uniqueKey('ro-sub')
    const stream = await openStream(`/subscribe/${encodeURIComponent(channel)}`, { url: gw.url, token: READONLY })
    try {
      expect(stream.status).toBe(200)
      await stream.waitFor(`subscribe,${channel},1`)
      expectResult(await as(TOKEN, ['PUBLISH', channel, 'hello']), 1)
      await stream.waitFor(`message,${channel},hello`)
    } finally {
      stream.close()
    }
  })

  test('/monitor is refused to the read-only token with the NOPERM text (an admin command); the standard token opens it', async () => {
    const monitor = (token) =>
      send({ url: gw.url, token, path: '/monitor', body: '[]', headers: { accept: 'text/event-stream' } })
    expectError(await monitor(READONLY), 400, noperm('monitor'))
    const stream = await openStream('/monitor', { url: gw.url, token: TOKEN })
    try {
      expect(stream.status).toBe(200)
      await stream.waitFor('"OK"')
    } finally {
      stream.close()
    }
  })

  test('the official SDK with the read-only token: get works, set rejects with the NOPERM text', async () => {
    const k = uniqueKey('ro-sdk')
    await oracle.set(k, '"json"')
    const reader = new Redis({ url: gw.url, token: READONLY, enableTelemetry: false, enableAutoPipelining: false })
    expect(await reader.get(k)).toBe('json')
    await expect(reader.set(k, 'x')).rejects.toThrow(noperm('set'))
    expect(await oracle.get(k)).toBe('"json"')
    // Through the SDK's auto-pipeline too.
    const piped = new Redis({ url: gw.url, token: READONLY, enableTelemetry: false })
    const [got, set] = await Promise.allSettled([piped.get(k), piped.set(k, 'y')])
    expect(got).toEqual({ status: 'fulfilled', value: 'json' })
    expect(set.status).toBe('rejected')
    expect(String(set.reason.message)).toContain(noperm('set'))
  })

  test('a wrong token is still a 401, and neither token appears in any answer', async () => {
    expectError(await as('tokens-readonly-tokeX', ['GET', 'k']), 401)
    for (const res of [await as(READONLY, ['SET', 'k', 'v']), await as('nope', ['GET', 'k'])]) {
      expect(res.text).not.toContain(READONLY)
      expect(res.text).not.toContain(TOKEN)
    }
  })

  test('the read-only token must differ from the standard one and not be empty', async () => {
    await expect(startGateway({ redis: env().redisUrl, port: 0, token: 't', readonlyToken: 't' })).rejects.toThrow(
      /--readonly-token must differ from --token/,
    )
    await expect(startGateway({ redis: env().redisUrl, port: 0, token: 't', readonlyToken: ' ' })).rejects.toThrow(
      /--readonly-token must not be empty/,
    )
  })

  test('a misspelt option is refused, never silently ignored (it would start a gateway without the read-only token)', async () => {
    await expect(startGateway({ redis: env().redisUrl, port: 0, token: 't', readOnlyToken: 'r' })).rejects.toThrow(
      /startGateway does not know the option\(s\) readOnlyToken/,
    )
  })

  test('the tables of read commands and key positions are what the running redis-server says (COMMAND)', async () => {
    const expected = await generateAll(env().redisUrl)
    expect(body(fs.readFileSync(TARGET, 'utf8'))).toBe(body(expected.reads))
    expect(body(fs.readFileSync(KEYS_TARGET, 'utf8'))).toBe(body(expected.keys))
  })
})

describe('the dev stack passes tokens and the Redis URL by environment, never in arguments or output', () => {
  test('readonlyToken reaches the gateway child and is not in its command line nor the handle', async () => {
    const readonlyToken = `dev-ro-${Date.now()}`
    const stack = await startDevStack({ readonlyToken })
    try {
      const res = await send({ url: stack.url, token: readonlyToken, body: ['SET', uniqueKey('dev-ro'), 'v'] })
      expectError(res, 400, /^NOPERM/)
      expectResult(await send({ url: stack.url, token: readonlyToken, body: ['PING'] }), 'PONG')
      const cmdline = fs.readFileSync(`/proc/${stack.pids.gateway}/cmdline`, 'utf8')
      expect(cmdline).not.toContain(readonlyToken)
      expect(cmdline).not.toContain(stack.token)
      // The Redis URL too: it may carry a password.
      expect(cmdline).not.toContain(stack.redisUrl)
      expect(require('node:util').inspect(stack, { depth: 4 })).not.toContain(readonlyToken)
      expect(JSON.stringify(stack.env)).not.toContain(readonlyToken)
      expect(stack.readonlyToken).toBe(readonlyToken)
    } finally {
      await stack.stop()
    }
  }, 40000)
})

describe('ACL RESTTOKEN / ACL GENTOKEN', () => {
  const user = `rest-user-${process.pid}`
  const password = `pw-${process.pid}-secret`
  beforeAll(async () => {
    await oracle.call('ACL', 'SETUSER', user, 'reset', 'on', `>${password}`, '~acl:*', '+get', '+set', '+acl|whoami')
  })
  afterAll(async () => {
    await oracle.call('ACL', 'DELUSER', user)
  })

  test('a minted token runs as that ACL user: allowed commands run, others get Redis NOPERM', async () => {
    const minted = await as(TOKEN, ['ACL', 'RESTTOKEN', user, password])
    expect(minted.status).toBe(200)
    const token = minted.json.result
    expect(token).toMatch(/^[0-9a-f]{64}$/)
    expect(token).not.toContain(password)
    expectResult(await as(token, ['ACL', 'WHOAMI']), user)
    const k = `acl:${uniqueKey('user')}`
    expectResult(await as(token, ['SET', k, 'mine']), 'OK')
    expectResult(await as(token, ['GET', k]), 'mine')
    // Redis's own ACL answers: a command not granted, a key outside the user's patterns.
    expectError(await as(token, ['DEL', k]), 400, /^NOPERM this user has no permissions to run the 'del' command/)
    expectError(await as(token, ['GET', uniqueKey('outside')]), 400, /^NOPERM .*key/)
    // In a pipeline, each refusal stays in its slot.
    const piped = await send({
      url: gw.url,
      token,
      path: '/pipeline',
      body: [
        ['GET', k],
        ['INCR', k],
      ],
    })
    expect(piped.json[0]).toEqual({ result: 'mine' })
    expect(piped.json[1].error).toMatch(/^NOPERM this user has no permissions to run the 'incr' command/)
    expect(await oracle.get(k)).toBe('mine')
  })

  test('a minted token of a user since deleted gets Redis WRONGPASS, not a 503', async () => {
    const gone = `gone-user-${process.pid}`
    await oracle.call('ACL', 'SETUSER', gone, 'reset', 'on', '>gone-pw', '~*', '+ping')
    const token = (await as(TOKEN, ['ACL', 'RESTTOKEN', gone, 'gone-pw'])).json.result
    expectResult(await as(token, ['PING']), 'PONG')
    await oracle.call('ACL', 'DELUSER', gone) // Redis also closes that user's connections
    expectError(await as(token, ['PING']), 400, /^WRONGPASS invalid username-password pair or user is disabled\.$/)
    expectResult(await as(TOKEN, ['PING']), 'PONG')
  })

  test.each([
    ['given another password', (u) => ['ACL', 'SETUSER', u, 'resetpass', '>changed-pw']],
    ['disabled', (u) => ['ACL', 'SETUSER', u, 'off']],
  ])(
    'a minted token of a user since %s through the gateway gets WRONGPASS at once, on every request',
    async (_how, change) => {
      const changed = `changed-user-${process.pid}-${_how.length}`
      await oracle.call('ACL', 'SETUSER', changed, 'reset', 'on', '>old-pw', '~*', '+ping')
      try {
        const token = (await as(TOKEN, ['ACL', 'RESTTOKEN', changed, 'old-pw'])).json.result
        // Several requests at once, so the user's pool holds authenticated connections.
        const warm = await Promise.all(Array.from({ length: 8 }, () => as(token, ['PING'])))
        for (const res of warm) expectResult(res, 'PONG')
        expectResult(await as(TOKEN, change(changed)), 'OK')
        const after = await Promise.all(Array.from({ length: 8 }, () => as(token, ['PING'])))
        for (const res of after) {
          expectError(res, 400, /^WRONGPASS invalid username-password pair or user is disabled\.$/)
        }
      } finally {
        await oracle.call('ACL', 'DELUSER', changed)
      }
    },
  )

  test("the official SDK with a minted token: the user's commands run, the others reject with Redis's NOPERM", async () => {
    const token = (await as(TOKEN, ['ACL', 'RESTTOKEN', user, password])).json.result
    const redis = new Redis({ url: gw.url, token, enableTelemetry: false })
    const k = `acl:${uniqueKey('sdk')}`
    expect(await redis.set(k, { n: 1 })).toBe('OK')
    expect(await redis.get(k)).toEqual({ n: 1 })
    await expect(redis.del(k)).rejects.toThrow(/NOPERM this user has no permissions to run the 'del' command/)
  })

  test('the standard token still runs as the gateway user, beside minted tokens', async () => {
    expectResult(await as(TOKEN, ['ACL', 'WHOAMI']), 'default')
  })

  test('a wrong password or an unknown user → Redis WRONGPASS error, no token', async () => {
    for (const args of [
      ['ACL', 'RESTTOKEN', user, 'wrong-password'],
      ['ACL', 'RESTTOKEN', `${user}-nobody`, password],
    ]) {
      const res = await as(TOKEN, args)
      expectError(res, 400, /^WRONGPASS invalid username-password pair or user is disabled\.$/)
      expect(res.text).not.toContain(password)
    }
    expectError(await as(TOKEN, ['ACL', 'RESTTOKEN', user]), 400, /wrong number of arguments for 'acl\|resttoken'/)
  })

  test('only the standard token mints; minting is refused inside /multi-exec', async () => {
    expectError(
      await as(READONLY, ['ACL', 'RESTTOKEN', user, password]),
      400,
      new RegExp(`^${noperm('acl\\|resttoken')}$`),
    )
    const res = await send({
      url: gw.url,
      token: TOKEN,
      path: '/multi-exec',
      body: [['ACL', 'RESTTOKEN', user, password]],
    })
    expectError(res, 400, /cannot run inside a transaction/)
  })

  test('/pipeline runs ACL RESTTOKEN in its place: after the ACL SETUSER before it, before the commands after it', async () => {
    const piped = `piped-user-${process.pid}`
    const k = uniqueKey('piped-mint')
    try {
      const res = await as(
        TOKEN,
        [
          ['ACL', 'SETUSER', piped, 'reset', 'on', '>piped-pw', '~*', '+ping'],
          ['ACL', 'RESTTOKEN', piped, 'piped-pw'],
          ['SET', k, 'after'],
          ['ACL', 'RESTTOKEN', piped, 'wrong-pw'],
          ['GET', k],
        ],
        { path: '/pipeline' },
      )
      expect(res.status).toBe(200)
      expect(res.json[0]).toEqual({ result: 'OK' })
      expect(res.json[1].result).toMatch(/^[0-9a-f]{64}$/)
      expect(res.json[2]).toEqual({ result: 'OK' })
      expect(res.json[3]).toEqual({ error: 'WRONGPASS invalid username-password pair or user is disabled.' })
      expect(res.json[4]).toEqual({ result: 'after' })
      expectResult(await as(res.json[1].result, ['PING']), 'PONG')
    } finally {
      await oracle.call('ACL', 'DELUSER', piped)
    }
  })

  test('ACL GENTOKEN: the token is the password to set, and at once that user’s REST token', async () => {
    const other = `gen-user-${process.pid}`
    const generated = await as(TOKEN, ['ACL', 'GENTOKEN', other, 'my-own-password'])
    expect(generated.status).toBe(200)
    const token = generated.json.result
    try {
      await oracle.call('ACL', 'SETUSER', other, 'reset', 'on', `>${token}`, '~*', '+ping', '+acl|whoami')
      expectResult(await as(token, ['ACL', 'WHOAMI']), other)
      expectError(await as(token, ['GET', 'k']), 400, /^NOPERM/)
      // RESTTOKEN with the wrapped password finds the token it was wrapped in.
      const again = await as(TOKEN, ['ACL', 'RESTTOKEN', other, 'my-own-password'])
      expect(again.status).toBe(200)
      expectResult(await as(again.json.result, ['ACL', 'WHOAMI']), other)
    } finally {
      await oracle.call('ACL', 'DELUSER', other)
    }
  })

  test('an ACL user’s /monitor runs as that user: without +monitor it is Redis’s NOPERM', async () => {
    const minted = await as(TOKEN, ['ACL', 'RESTTOKEN', user, password])
    const res = await send({
      url: gw.url,
      token: minted.json.result,
      path: '/monitor',
      body: '[]',
      headers: { accept: 'text/event-stream' },
    })
    expectError(res, 400, /^NOPERM.*monitor/)
  })

  test('an ACL user’s /subscribe stream ends when that user is given another password through the gateway; others go on', async () => {
    const streamer = `stream-user-${process.pid}`
    const bystander = `bystander-user-${process.pid}`
    const channel = uniqueKey('acl-stream')
    await oracle.call('ACL', 'SETUSER', streamer, 'reset', 'on', '>stream-pw', '&*', '+subscribe', '+ping')
    await oracle.call('ACL', 'SETUSER', bystander, 'reset', 'on', '>by-pw', '&*', '+subscribe', '+ping')
    const streams = []
    try {
      const mine = (await as(TOKEN, ['ACL', 'RESTTOKEN', streamer, 'stream-pw'])).json.result
      const theirs = (await as(TOKEN, ['ACL', 'RESTTOKEN', bystander, 'by-pw'])).json.result
      const path = `/subscribe/${encodeURIComponent(channel)}`
      const [a, b, std] = await Promise.all([
        openStream(path, { url: gw.url, token: mine }),
        openStream(path, { url: gw.url, token: theirs }),
        openStream(path, { url: gw.url, token: TOKEN }),
      ])
      streams.push(a, b, std)
      for (const s of streams) await s.waitFor((e) => e.startsWith('subscribe,'), 5000)
      expectResult(await as(TOKEN, ['ACL', 'SETUSER', streamer, 'resetpass', '>new-stream-pw']), 'OK')
      await within(a.ended, 5000, 'the changed user’s stream ends')
      expectResult(await as(TOKEN, ['PUBLISH', channel, 'still']), 2)
      await b.waitFor('message,' + channel + ',still', 5000)
      await std.waitFor('message,' + channel + ',still', 5000)
    } finally {
      for (const s of streams) s.close()
      await oracle.call('ACL', 'DELUSER', streamer, bystander)
    }
  })

  test('an ACL user’s stream runs as that user: a channel outside its rules is Redis’s NOPERM', async () => {
    const minted = await as(TOKEN, ['ACL', 'RESTTOKEN', user, password])
    const res = await send({
      url: gw.url,
      token: minted.json.result,
      path: `/subscribe/${encodeURIComponent(uniqueKey('acl-chan'))}`,
      body: '[]',
      headers: { accept: 'text/event-stream' },
    })
    expectError(res, 400, /^NOPERM/)
  })
})
