'use strict'
// The package as a user gets it: packed, installed into an empty project, used from there.
const { execFileSync, spawn } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { env } = require('../helpers')

const ROOT = path.join(__dirname, '..', '..')
let project

beforeAll(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'fragment-installed-'))
  const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', project], { cwd: ROOT, encoding: 'utf8' })
  const tarball = path.join(project, packed.trim().split('\n').pop())
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }))
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--silent', tarball], { cwd: project, stdio: 'pipe' })
}, 120_000)

afterAll(() => fs.rmSync(project, { recursive: true, force: true }))

test('the tarball carries no sources or tests', () => {
  const installed = path.join(project, 'node_modules', '@fragment', 'redis-native')
  const files = fs.readdirSync(installed)
  expect(files).toEqual(expect.arrayContaining(['index.js', 'binding.js', 'package.json', 'bin', 'lib']))
  for (const unwanted of ['src', 'crates', '__test__', 'Cargo.toml', 'benchmark', 'target']) expect(files).not.toContain(unwanted)
})

test('require() works from the installed package and talks to the gateway', () => {
  const { url, token } = env()
  const script = `
    const Redis = require('@fragment/redis-native')
    const r = new Redis()
    r.set('installed:check', 'yes').then(() => r.get('installed:check')).then((v) => { console.log(v); return r.quit() })`
  const out = execFileSync(process.execPath, ['-e', script], {
    cwd: project,
    env: { ...process.env, UPSTASH_REDIS_REST_URL: url, UPSTASH_REDIS_REST_TOKEN: token },
    encoding: 'utf8',
    timeout: 20_000,
  })
  expect(out.trim()).toBe('yes')
})

test('`fragment-redis gateway` runs from the installed bin', async () => {
  const bin = path.join(project, 'node_modules', '.bin', 'fragment-redis')
  const child = spawn(bin, ['gateway', '--redis', env().redisUrl, '--port', '0', '--token', 'installed-token'], {
    cwd: project,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  try {
    const url = await new Promise((resolve, reject) => {
      let out = ''
      const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 10_000)
      child.stdout.on('data', (chunk) => {
        out += chunk
        const match = /^UPSTASH_REDIS_REST_URL=(\S+)$/m.exec(out)
        if (match && /^UPSTASH_REDIS_REST_TOKEN=installed-token$/m.test(out)) {
          clearTimeout(timer)
          resolve(match[1])
        }
      })
      child.stderr.on('data', (chunk) => (out += chunk))
      child.on('exit', (code) => reject(new Error(`gateway exited with ${code}: ${out}`)))
    })
    const response = await fetch(url, { method: 'POST', headers: { authorization: 'Bearer installed-token' }, body: '["PING"]' })
    expect(await response.json()).toEqual({ result: 'PONG' })
  } finally {
    child.kill('SIGTERM')
    await new Promise((resolve) => child.once('exit', resolve))
  }
})
