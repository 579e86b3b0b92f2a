'use strict'
// `fragment-redis gateway` as a user runs it: flags and their environment equivalents, the
// required token, loopback by default and a loud warning otherwise.
const { spawn, spawnSync } = require('node:child_process')
const path = require('node:path')
const { env } = require('../support')
const { within } = require('./support')

const BIN = path.join(__dirname, '..', '..', 'bin', 'fragment-redis.js')

/** Starts the CLI and resolves with its URL and stderr once it prints the env lines. */
function startCli(args, extraEnv = {}) {
  const child = spawn(process.execPath, [BIN, 'gateway', ...args], {
    env: { ...process.env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stderr.on('data', (chunk) => (err += chunk))
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}${err}`)), 10_000)
    child.stdout.on('data', (chunk) => {
      out += chunk
      const match = /^UPSTASH_REDIS_REST_URL=(\S+)$/m.exec(out)
      if (match) {
        clearTimeout(timer)
        resolve({ url: match[1], stderr: () => err })
      }
    })
    child.on('exit', (code) => reject(new Error(`exited with ${code}: ${out}${err}`)))
  })
  const stop = () => {
    child.kill('SIGTERM')
    return new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)))
  }
  return { ready, stop }
}

test('refuses to start without a token, saying how to give one', () => {
  const result = spawnSync(process.execPath, [BIN, 'gateway', '--redis', env().redisUrl, '--port', '0'], {
    env: { ...process.env, FRAGMENT_GATEWAY_TOKEN: '' },
    encoding: 'utf8',
    timeout: 10_000,
  })
  expect(result.status).toBe(1)
  expect(result.stderr).toMatch(/token is required.*--token.*FRAGMENT_GATEWAY_TOKEN/)
})

test('binds 127.0.0.1 by default, with no warning', async () => {
  const cli = startCli(['--redis', env().redisUrl, '--port', '0', '--token', 'cli-token'])
  try {
    const { url, stderr } = await cli.ready
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(stderr()).not.toMatch(/WARNING/)
  } finally {
    await cli.stop()
  }
})

test('a non-loopback address gets a loud warning', async () => {
  const cli = startCli(['--redis', env().redisUrl, '--port', '0', '--token', 'cli-token', '--host', '0.0.0.0'])
  try {
    const { stderr } = await cli.ready
    expect(stderr()).toMatch(/WARNING: the gateway listens on http:\/\/0\.0\.0\.0:\d+, reachable from other machines/)
  } finally {
    await cli.stop()
  }
})

test('environment variables stand in for the flags, --max-body included', async () => {
  const cli = startCli([], {
    FRAGMENT_REDIS_URL: env().redisUrl,
    FRAGMENT_GATEWAY_PORT: '0',
    FRAGMENT_GATEWAY_TOKEN: 'env-token',
    FRAGMENT_GATEWAY_MAX_BODY: '1kb',
  })
  try {
    const { url } = await cli.ready
    const post = (body) => fetch(url, { method: 'POST', headers: { authorization: 'Bearer env-token' }, body })
    expect(await (await post('["PING"]')).json()).toEqual({ result: 'PONG' })
    const tooLarge = await post(JSON.stringify(['SET', 'cli:big', 'x'.repeat(2048)]))
    expect(tooLarge.status).toBe(400)
    expect((await tooLarge.json()).error).toMatch(
      /^ERR max request size exceeded\. Limit: 1024 bytes, Actual: 2068 bytes/,
    )
  } finally {
    await cli.stop()
  }
})

test('--max-streams, --max-reply and --pool-size/--pool-timeout (and their variables) reach the gateway', async () => {
  const cli = startCli(['--max-streams', '1', '--pool-size', '2', '--pool-timeout', '1000'], {
    FRAGMENT_REDIS_URL: env().redisUrl,
    FRAGMENT_GATEWAY_PORT: '0',
    FRAGMENT_GATEWAY_TOKEN: 'env-token',
    FRAGMENT_GATEWAY_MAX_REPLY: '1kb',
  })
  const controller = new AbortController()
  try {
    const { url } = await cli.ready
    const headers = { authorization: 'Bearer env-token' }
    const post = (path, body) => fetch(url + path, { method: 'POST', headers, body, signal: controller.signal })
    expect(await (await post('/', '["PING"]')).json()).toEqual({ result: 'PONG' })
    const big = await post('/', JSON.stringify(['ECHO', 'x'.repeat(2048)]))
    expect(big.status).toBe(400)
    expect((await big.json()).error).toMatch(/max reply size exceeded\. Limit: 1024 bytes/)
    const first = await post('/subscribe/cli-cap', '')
    expect(first.status).toBe(200)
    const second = await post('/subscribe/cli-cap', '')
    expect(second.status).toBe(429)
    expect((await second.json()).error).toMatch(/at most 1 Server-Sent Events stream/)
  } finally {
    controller.abort()
    await cli.stop()
  }
})

test('a bad limit value stops the CLI with a message naming the flag', () => {
  for (const [args, pattern] of [
    [['--max-streams', '0'], /maxStreams \(--max-streams\) must be a whole number from 1 to 65535, got 0/],
    [['--pool-size', '70000'], /poolSize \(--pool-size\) must be a whole number from 1 to 65535, got 70000/],
    [['--port', '70000'], /port \(--port\) must be a whole number from 0 to 65535, got 70000/],
    [
      ['--pool-timeout', 'soon'],
      /poolTimeout \(--pool-timeout\) must be a whole number from 1 to 4294967295, got "soon"/,
    ],
    [['--port=-1'], /port \(--port\) must be a whole number from 0 to 65535, got "-1"/],
    [['--max-reply', 'lots'], /maxReply \(--max-reply\) must be a size such as 10mb, 64kb or 1048576, got "lots"/],
    [
      ['--max-request-size', '0kb'],
      /maxRequestSize \(--max-request-size\) must be a whole number from 1 to \d+, got 0/,
    ],
    [['--tls-cert', '/nonexistent.pem'], /HTTPS needs both a certificate and its key/],
    [['--tls-cert', '/nonexistent.pem', '--tls-key', '/nonexistent.key'], /cannot read the certificate file/],
  ]) {
    const result = spawnSync(process.execPath, [BIN, 'gateway', '--redis', env().redisUrl, '--port', '0', ...args], {
      env: { ...process.env, FRAGMENT_GATEWAY_TOKEN: 'cli-token' },
      encoding: 'utf8',
      timeout: 10_000,
    })
    expect({ status: result.status, stderr: result.stderr }).toEqual({
      status: 1,
      stderr: expect.stringMatching(pattern),
    })
  }
})

test('the simulation flags (and their variables) reach the gateway and are announced loudly', async () => {
  const cli = startCli(['--latency', '120-160', '--seed', '9', '--fail-rate', '0.1'], {
    FRAGMENT_REDIS_URL: env().redisUrl,
    FRAGMENT_GATEWAY_PORT: '0',
    FRAGMENT_GATEWAY_TOKEN: 'env-token',
    FRAGMENT_GATEWAY_DROP_AFTER_APPLY: '0.05',
    FRAGMENT_GATEWAY_STALL: '.01',
  })
  try {
    const { url, stderr } = await cli.ready
    expect(stderr()).toMatch(/!!! SIMULATION ON/)
    for (const line of [
      /!!! latency: every response delayed 120-160 ms/,
      /!!! fail-rate: 10% of command requests answered 503/,
      /!!! drop-after-apply: 5% of command requests run/,
      /!!! stall: 1% of command requests never answered/,
      /!!! seed: 9 /,
    ]) {
      expect(stderr()).toMatch(line)
    }
    const started = Date.now()
    // /subscribe draws no fault, so its delay is the latency alone.
    const controller = new AbortController()
    const res = await fetch(`${url}/subscribe/cli-sim`, {
      method: 'POST',
      headers: { authorization: 'Bearer env-token' },
      signal: controller.signal,
    })
    expect(res.status).toBe(200)
    expect(Date.now() - started).toBeGreaterThanOrEqual(115)
    controller.abort()
  } finally {
    await cli.stop()
  }
})

test('FRAGMENT_GATEWAY_LATENCY alone turns latency on; without any, nothing is announced', async () => {
  const on = startCli([], {
    FRAGMENT_REDIS_URL: env().redisUrl,
    FRAGMENT_GATEWAY_PORT: '0',
    FRAGMENT_GATEWAY_TOKEN: 'env-token',
    FRAGMENT_GATEWAY_LATENCY: '40',
  })
  try {
    const { stderr } = await on.ready
    expect(stderr()).toMatch(/!!! latency: every response delayed 40 ms/)
    expect(stderr()).not.toMatch(/seed/)
  } finally {
    await on.stop()
  }
  const off = startCli(['--redis', env().redisUrl, '--port', '0', '--token', 'cli-token'])
  try {
    const { stderr } = await off.ready
    expect(stderr()).not.toMatch(/SIMULATION/)
  } finally {
    await off.stop()
  }
})

test('a bad simulation value stops the CLI with a message naming the flag', () => {
  for (const [args, pattern] of [
    [
      ['--latency', 'slow'],
      /latency \(--latency\) must be whole milliseconds from 0 to 4294967295 such as 50, or a range such as 20-80 .*, got "slow"/,
    ],
    [['--latency', '80-20'], /latency \(--latency\) must be a range with min <= max, got 80-20/],
    [['--latency=-5'], /latency \(--latency\) must be whole milliseconds/],
    [['--fail-rate', '1.5'], /failRate \(--fail-rate\) must be a fraction from 0 to 1 such as 0.1, got 1.5/],
    [['--stall', '10%'], /stall \(--stall\) must be a fraction from 0 to 1 such as 0.1, got "10%"/],
    [['--drop-after-apply=-0.1'], /dropAfterApply \(--drop-after-apply\) must be a fraction from 0 to 1/],
    [['--seed', 'abc'], /seed \(--seed\) must be a whole number from 0 to 4294967295, got "abc"/],
    [['--seed', '4294967296'], /seed \(--seed\) must be a whole number from 0 to 4294967295, got 4294967296/],
    [['--fail-rate', '0.7', '--stall', '0.7'], /together must not exceed 1/],
  ]) {
    const result = spawnSync(process.execPath, [BIN, 'gateway', '--redis', env().redisUrl, '--port', '0', ...args], {
      env: { ...process.env, FRAGMENT_GATEWAY_TOKEN: 'cli-token' },
      encoding: 'utf8',
      timeout: 10_000,
    })
    expect({ status: result.status, stderr: result.stderr }).toEqual({
      status: 1,
      stderr: expect.stringMatching(pattern),
    })
  }
})

test('FRAGMENT_GATEWAY_MAX_REQUEST_SIZE and --readonly-token (by its variable) reach the gateway', async () => {
  const cli = startCli([], {
    FRAGMENT_REDIS_URL: env().redisUrl,
    FRAGMENT_GATEWAY_PORT: '0',
    FRAGMENT_GATEWAY_TOKEN: 'env-token',
    FRAGMENT_GATEWAY_READONLY_TOKEN: 'env-readonly-token-4Kd',
    FRAGMENT_GATEWAY_MAX_REQUEST_SIZE: '1kb',
  })
  try {
    const { url, stderr } = await cli.ready
    const post = (token, body) => fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body })
    const big = await post('env-token', JSON.stringify(['ECHO', 'x'.repeat(2048)]))
    expect((await big.json()).error).toMatch(/^ERR max request size exceeded\. Limit: 1024 bytes/)
    expect(await (await post('env-readonly-token-4Kd', '["PING"]')).json()).toEqual({ result: 'PONG' })
    const write = await post('env-readonly-token-4Kd', '["SET","cli:ro","v"]')
    expect(await write.json()).toEqual({ error: "NOPERM this user has no permissions to run the 'set' command" })
    expect(stderr()).not.toContain('env-readonly-token-4Kd')
  } finally {
    await cli.stop()
  }
})

test("--help documents every option of startGateway() with its variable and the gateway's own default", () => {
  const { OPTIONS, DEFAULTS } = require('../../lib/gateway')
  const { stdout } = spawnSync(process.execPath, [BIN, 'gateway', '--help'], { encoding: 'utf8', timeout: 10_000 })
  // Every option the binding takes (its generated types) has a row in the table, and so in --help.
  const binding = require('node:fs').readFileSync(path.join(__dirname, '..', '..', 'binding.d.ts'), 'utf8')
  const block = /export interface GatewayOptions \{([\s\S]*?)\n\}/.exec(binding)[1]
  const nativeKeys = [...block.matchAll(/^\s+(\w+)\?:/gm)].map((m) => m[1])
  const tableKeys = new Set(OPTIONS.map((o) => o.key))
  for (const key of nativeKeys) {
    expect([key, tableKeys.has(key)]).toEqual([key, true])
  }
  for (const o of OPTIONS) {
    expect(stdout).toMatch(new RegExp(`^  --${o.flag}\\b.*\\[${o.env}(=1)?\\]`, 'm'))
  }
  expect(stdout).toMatch(/--port <n> .*default 8079$/m)
  expect(DEFAULTS.port).toBe(8079)
  expect(stdout).toMatch(/--max-request-size <size> .*default 10mb$/m)
  expect(stdout).toMatch(/--pool-size <n> .*default 64$/m)
})

test('--help lists every simulation flag with its environment variable', () => {
  const { stdout } = spawnSync(process.execPath, [BIN, 'gateway', '--help'], { encoding: 'utf8', timeout: 10_000 })
  for (const [flag, variable] of [
    ['--latency', 'FRAGMENT_GATEWAY_LATENCY'],
    ['--fail-rate', 'FRAGMENT_GATEWAY_FAIL_RATE'],
    ['--drop-after-apply', 'FRAGMENT_GATEWAY_DROP_AFTER_APPLY'],
    ['--stall', 'FRAGMENT_GATEWAY_STALL'],
    ['--seed', 'FRAGMENT_GATEWAY_SEED'],
  ]) {
    expect(stdout).toMatch(new RegExp(`^  ${flag} .*\\[${variable}\\]`, 'm'))
  }
})

test('--verbose prints one line per request (route, command names, status) and never the token, keys or values', async () => {
  const token = 'verbose-token-Zq81'
  const cli = startCli(['--redis', env().redisUrl, '--port', '0', '--token', token, '--verbose'])
  try {
    const { url, stderr } = await cli.ready
    const post = (path, body, bearer = token) =>
      fetch(url + path, { method: 'POST', headers: { authorization: `Bearer ${bearer}` }, body })
    expect((await post('/', JSON.stringify(['SET', 'verbose-key-7Hk', 'secret-value-3Jd']))).status).toBe(200)
    expect((await post('/set/verbose-path-key-Wq/path-value-9Lm', '')).status).toBe(200)
    expect(
      (
        await post(
          '/pipeline',
          JSON.stringify([
            ['GET', 'verbose-key-7Hk'],
            ['INCR', 'verbose-n-2Xp'],
          ]),
        )
      ).status,
    ).toBe(200)
    expect((await post('/', JSON.stringify(['secret as a name 5Rt']))).status).toBe(400)
    expect((await post('/', '["PING"]', 'wrong-token-8Vb')).status).toBe(401)
    const lines = () =>
      stderr()
        .split('\n')
        .filter((l) => l.startsWith('fragment-redis gateway: '))
    await within(
      (async () => {
        while (lines().length < 5) await new Promise((resolve) => setTimeout(resolve, 20))
      })(),
      5000,
      'five log lines',
    )
    expect(lines()).toEqual([
      expect.stringMatching(/^fragment-redis gateway: POST \/ SET 200 \d+\.\dms$/),
      expect.stringMatching(/^fragment-redis gateway: POST \/<command>\/… SET 200 /),
      expect.stringMatching(/^fragment-redis gateway: POST \/pipeline GET,INCR 200 /),
      expect.stringMatching(/^fragment-redis gateway: POST \/ \? 400 /),
      expect.stringMatching(/^fragment-redis gateway: POST \? - 401 /),
    ])
    for (const secret of [
      token,
      'wrong-token-8Vb',
      'verbose-key',
      'secret-value',
      'verbose-path-key',
      'path-value',
      'verbose-n',
      '5Rt',
    ]) {
      expect(stderr()).not.toContain(secret)
    }
  } finally {
    await cli.stop()
  }
})

test('without --verbose nothing is printed per request', async () => {
  const cli = startCli(['--redis', env().redisUrl, '--port', '0', '--token', 'cli-token'])
  try {
    const { url, stderr } = await cli.ready
    const res = await fetch(url, { method: 'POST', headers: { authorization: 'Bearer cli-token' }, body: '["PING"]' })
    expect(await res.json()).toEqual({ result: 'PONG' })
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(stderr()).not.toMatch(/fragment-redis gateway: /)
  } finally {
    await cli.stop()
  }
})
