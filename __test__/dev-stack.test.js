'use strict'

// The dev stack itself, on a second stack of its own so the global one is never disturbed.

const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const { startDevStack } = require('../lib/dev-stack')
const { env, send } = require('./support')

const ping = (stack) => send({ url: stack.url, token: stack.token, body: ['PING'] })

function expectGone(pid) {
  expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }))
}

describe('startDevStack', () => {
  let stack
  const pidsSeen = []
  const remember = () => pidsSeen.push(stack.pids.redis, stack.pids.gateway)

  beforeAll(async () => {
    stack = await startDevStack()
    remember()
  })
  afterAll(() => stack && stack.stop())

  test('runs its own redis-server and gateway, apart from the global stack', () => {
    expect(stack.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(stack.url).not.toBe(env().url)
    expect(stack.redisUrl).not.toBe(env().redisUrl)
    expect(stack.env).toEqual({ UPSTASH_REDIS_REST_URL: stack.url, UPSTASH_REDIS_REST_TOKEN: stack.token })
  })

  test('the gateway answers PING', async () => {
    const res = await ping(stack)
    expect(res.status).toBe(200)
    expect(res.json).toEqual({ result: 'PONG' })
  })

  // Arguments are world-readable (`ps`, /proc/<pid>/cmdline); the environment only to the owner.
  test('the token is in no process argument list: the gateway gets it from FRAGMENT_GATEWAY_TOKEN', () => {
    const cmdline = (pid) => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
    const gatewayArgs = cmdline(stack.pids.gateway)
    expect(gatewayArgs.join(' ')).toContain('gateway') // the right process
    for (const pid of [stack.pids.gateway, stack.pids.redis]) {
      expect(cmdline(pid).join(' ')).not.toContain(stack.token)
    }
    const ps = execFileSync('ps', ['-eo', 'pid,args', '--no-headers'], { encoding: 'utf8' })
    expect(ps).toContain(String(stack.pids.gateway))
    expect(ps).not.toContain(stack.token)
    const environ = fs.readFileSync(`/proc/${stack.pids.gateway}/environ`, 'utf8').split('\0')
    expect(environ).toContain(`FRAGMENT_GATEWAY_TOKEN=${stack.token}`)
  })

  test('restartGateway() replaces the process and keeps the same URL working', async () => {
    const { url } = stack
    const oldPid = stack.pids.gateway
    await stack.restartGateway()
    remember()
    expect(stack.url).toBe(url)
    expect(stack.pids.gateway).not.toBe(oldPid)
    expectGone(oldPid)
    expect((await ping(stack)).json).toEqual({ result: 'PONG' })
  })

  test('stopRedis() then startRedis() brings redis back on the same port', async () => {
    const { redisUrl } = stack
    await stack.stopRedis()
    await stack.startRedis()
    remember()
    expect(stack.redisUrl).toBe(redisUrl)
    expect((await ping(stack)).json).toEqual({ result: 'PONG' })
  })

  test('stop() ends every process it started, removes its temp dir, and is idempotent', async () => {
    await stack.stop()
    pidsSeen.forEach(expectGone)
    expect(fs.existsSync(stack.dir)).toBe(false)
    await expect(stack.stop()).resolves.toBeUndefined()
    await expect(stack.startGateway()).rejects.toThrow('stopped')
  })
})

test('a missing redis-server is reported with an install hint', async () => {
  const { PATH } = process.env
  process.env.PATH = ''
  try {
    await expect(startDevStack()).rejects.toThrow(/apt-get install redis-server.*brew install redis/)
  } finally {
    process.env.PATH = PATH
  }
})
