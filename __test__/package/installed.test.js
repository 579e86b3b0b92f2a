'use strict'
// The package as users get it: `npm run package` tarballs (main package + this platform's binary
// package) installed into an empty project by a shell with no Rust toolchain on PATH.
const { execFileSync, spawn } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { env } = require('../support')

const ROOT = path.join(__dirname, '..', '..')
const ARTIFACTS = path.join(ROOT, 'artifacts')
let project
let noRustEnv

/** PATH without any directory that provides cargo or rustc. */
function pathWithoutRust() {
  const hasRust = (dir) => ['cargo', 'rustc'].some((tool) => fs.existsSync(path.join(dir, tool)))
  return process.env.PATH.split(path.delimiter)
    .filter((dir) => dir && !hasRust(dir))
    .join(path.delimiter)
}

beforeAll(() => {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'package.js')], { cwd: ROOT, stdio: 'pipe' })
  const tarballs = fs
    .readdirSync(ARTIFACTS)
    .filter((f) => f.endsWith('.tgz'))
    .map((f) => path.join(ARTIFACTS, f))
  expect(tarballs).toHaveLength(2)
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'fragment-installed-'))
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }))
  noRustEnv = { ...process.env, PATH: pathWithoutRust(), CARGO_HOME: '/nonexistent', RUSTUP_HOME: '/nonexistent' }
  expect(() => execFileSync('cargo', ['--version'], { env: noRustEnv, stdio: 'ignore' })).toThrow()
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--silent', ...tarballs], {
    cwd: project,
    env: noRustEnv,
    stdio: 'pipe',
  })
}, 600_000)

afterAll(() => project && fs.rmSync(project, { recursive: true, force: true }))

test('the main tarball carries JS, types and the CLI, but no sources, tests or binaries', () => {
  const installed = path.join(project, 'node_modules', '@fragment', 'redis-native')
  const files = fs.readdirSync(installed)
  expect(files).toEqual(
    expect.arrayContaining(['index.js', 'index.d.ts', 'binding.js', 'package.json', 'bin', 'lib']),
  )
  for (const unwanted of ['src', 'crates', '__test__', 'Cargo.toml', 'benchmark', 'target', 'npm', 'scripts'])
    expect(files).not.toContain(unwanted)
  expect(files.some((f) => f.endsWith('.node'))).toBe(false)
  const binary = fs.readdirSync(path.join(project, 'node_modules', '@fragment', 'redis-native-linux-x64-gnu'))
  expect(binary).toContain('fragment-redis-native.linux-x64-gnu.node')
})

test('require() loads the platform binary and talks to the gateway, without Rust', () => {
  const { url, token } = env()
  const script = `
    const Redis = require('@fragment/redis-native')
    const r = new Redis()
    r.set('installed:check', 'yes').then(() => r.get('installed:check')).then((v) => { console.log(v); return r.quit() })`
  const out = execFileSync(process.execPath, ['-e', script], {
    cwd: project,
    env: { ...noRustEnv, UPSTASH_REDIS_REST_URL: url, UPSTASH_REDIS_REST_TOKEN: token },
    encoding: 'utf8',
    timeout: 20_000,
  })
  expect(out.trim()).toBe('yes')
})

test('the ESM entry works from the installed package', () => {
  const script =
    "import Redis, { Redis as Named } from '@fragment/redis-native'; console.log(Redis === Named && typeof Redis.fromEnv)"
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: project,
    env: noRustEnv,
    encoding: 'utf8',
  })
  expect(out.trim()).toBe('function')
})

test('`fragment-redis gateway` runs from the installed bin', async () => {
  const bin = path.join(project, 'node_modules', '.bin', 'fragment-redis')
  const child = spawn(bin, ['gateway', '--redis', env().redisUrl, '--port', '0', '--token', 'installed-token'], {
    cwd: project,
    env: noRustEnv,
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
    const response = await fetch(url, {
      method: 'POST',
      headers: { authorization: 'Bearer installed-token' },
      body: '["PING"]',
    })
    expect(await response.json()).toEqual({ result: 'PONG' })
  } finally {
    child.kill('SIGTERM')
    await new Promise((resolve) => child.once('exit', resolve))
  }
})

test('without a matching binary the loader names the platform and what it tried', () => {
  fs.rmSync(path.join(project, 'node_modules', '@fragment', 'redis-native-linux-x64-gnu'), { recursive: true })
  let message = ''
  try {
    execFileSync(process.execPath, ['-e', "require('@fragment/redis-native')"], {
      cwd: project,
      env: noRustEnv,
      encoding: 'utf8',
      stdio: 'pipe',
    })
  } catch (error) {
    message = error.stderr
  }
  expect(message).toMatch(/no native binary for this platform \(linux-x64-gnu, Node v\d+/)
  expect(message).toMatch(/Expected the package @fragment\/redis-native-linux-x64-gnu/)
  expect(message).toMatch(/reinstall with optional dependencies enabled/)
})
