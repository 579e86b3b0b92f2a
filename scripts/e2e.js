#!/usr/bin/env node
'use strict'
// `npm run test:e2e`: examples/fragment-app as a user runs it — the package installed from packed
// tarballs, `next build` + `next start` against a private local stack — driven in Debian's
// Chromium (playwright-core, no downloaded browser), on Next.js 15 (webpack) and on Next.js 16
// (Turbopack), plus a `next dev` smoke per bundler. Prints `e2e: N passed, N failed` last.
//
// Next.js 16 runs in a copy of the app's sources under a temporary directory, with the
// package.json/package-lock.json of examples/fragment-app/e2e/next16/ (deterministic installs).
// E2E_MAJORS=15 (or 16) runs one major only.
const { spawn, spawnSync, execFileSync } = require('node:child_process')
const fs = require('node:fs')
const net = require('node:net')
const os = require('node:os')
const path = require('node:path')
const { startDevStack } = require('../lib/dev-stack')
const { platformName, binaryFile } = require('../lib/platform.js')

const ROOT = path.join(__dirname, '..')
const APP = path.join(ROOT, 'examples', 'fragment-app')
const CHROMIUM = '/usr/bin/chromium'

const log = (message) => console.log(`e2e: ${message}`)
const results = []
const running = new Set() // Next.js servers started and not yet stopped

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', encoding: 'utf8', ...options })
  if (result.error) throw new Error(`${command}: ${result.error.message}`)
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n')
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status}${output ? `:\n${output}` : ''}`)
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/** The main tarball (`npm pack` of the root) and this platform's binary package, as published. */
function packTarballs(dir) {
  const platform = platformName()
  const binary = binaryFile(platform)
  if (platform !== 'linux-x64-gnu') throw new Error(`the e2e run is set up for linux-x64-gnu; this is ${platform}`)
  if (!fs.existsSync(path.join(ROOT, binary))) throw new Error(`${binary} is missing: run npm run build first`)
  const pack = (cwd) =>
    path.join(
      dir,
      execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd, encoding: 'utf8' })
        .trim()
        .split('\n')
        .pop(),
    )
  const staging = path.join(dir, 'platform')
  fs.mkdirSync(staging)
  for (const file of ['package.json', 'README.md'])
    fs.copyFileSync(path.join(ROOT, 'npm', platform, file), path.join(staging, file))
  fs.copyFileSync(path.join(ROOT, binary), path.join(staging, binary))
  return [pack(ROOT), pack(staging)]
}

/** npm ci (when node_modules is older than the lockfile), then the tarballs on top, unsaved. */
function install(dir, tarballs) {
  const lock = fs.statSync(path.join(dir, 'package-lock.json')).mtimeMs
  const installed = fs.existsSync(path.join(dir, 'node_modules', '.package-lock.json'))
    ? fs.statSync(path.join(dir, 'node_modules', '.package-lock.json')).mtimeMs
    : 0
  if (installed < lock) run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir })
  run('npm', ['install', '--no-save', '--no-audit', '--no-fund', ...tarballs], { cwd: dir })
}

/** A copy of the app's sources with the Next.js 16 manifest and lockfile. */
function next16Copy(base) {
  const dir = path.join(base, 'next16-app')
  fs.mkdirSync(dir)
  for (const entry of ['app', 'lib', 'e2e', 'next.config.js', 'tsconfig.json', '.env.example']) {
    fs.cpSync(path.join(APP, entry), path.join(dir, entry), {
      recursive: true,
      filter: (source) => !source.includes(`${path.sep}screenshots`),
    })
  }
  for (const file of ['package.json', 'package-lock.json'])
    fs.copyFileSync(path.join(APP, 'e2e', 'next16', file), path.join(dir, file))
  return dir
}

/**
 * True when the client can be constructed without UPSTASH_REDIS_REST_URL/TOKEN (so `next build`
 * needs no secrets). Until it can, the build gets the variables and this says so.
 */
function constructsWithoutConfig(appDir) {
  const env = { ...process.env }
  for (const name of ['UPSTASH_REDIS_REST_URL', 'UPSTASH_REDIS_REST_TOKEN', 'KV_REST_API_URL', 'KV_REST_API_TOKEN'])
    delete env[name]
  const result = spawnSync(process.execPath, ['-e', "const R = require('@fragment/redis-native'); new R()"], {
    cwd: appDir,
    env,
    encoding: 'utf8',
  })
  return result.status === 0
}

class NextServer {
  constructor(appDir, args, env, label) {
    Object.assign(this, { appDir, args, env, label, child: null, output: '' })
  }

  async start(port) {
    this.port = port
    this.url = `http://localhost:${port}`
    this.output = ''
    const bin = path.join(this.appDir, 'node_modules', '.bin', 'next')
    running.add(this)
    this.child = spawn(bin, [...this.args, '-p', String(port), '-H', '127.0.0.1'], {
      cwd: this.appDir,
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group: stop() ends next and its workers together
    })
    const collect = (chunk) => {
      this.output += chunk
      if (process.env.E2E_VERBOSE) process.stdout.write(`[${this.label}] ${chunk}`)
    }
    this.child.stdout.on('data', collect)
    this.child.stderr.on('data', collect)
    const deadline = Date.now() + 180_000
    for (;;) {
      if (this.child.exitCode !== null) throw new Error(`${this.label} exited:\n${this.output}`)
      try {
        const response = await fetch(`${this.url}/api/health`)
        if (response.ok) return await response.json()
      } catch {}
      if (Date.now() > deadline) throw new Error(`${this.label} did not answer within 180 s:\n${this.output}`)
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
  }

  async stop() {
    running.delete(this)
    const child = this.child
    this.child = null
    if (!child || child.exitCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    try {
      process.kill(-child.pid, 'SIGTERM')
    } catch {}
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL')
      } catch {}
    }, 10_000)
    await exited
    clearTimeout(timer)
  }
}

async function check(name, fn) {
  const started = Date.now()
  try {
    await fn()
    results.push({ name, ok: true })
    log(`ok   ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`)
  } catch (error) {
    results.push({ name, ok: false })
    log(`FAIL ${name}\n${String(error.stack || error).replace(/^/gm, '     ')}`)
  }
}

async function runMajor(major, appDir, stack, browser, flows) {
  const secrets = stack.env
  const buildEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' }
  for (const name of Object.keys(secrets)) delete buildEnv[name]
  const noSecrets = constructsWithoutConfig(appDir)
  if (!noSecrets)
    log(`next ${major}: the client throws at construction without configuration; building with the variables set`)
  const env = { ...buildEnv, ...secrets, MODEL_DELAY_MS: '150', CHAT_RATE_LIMIT: '3' }

  // Output of earlier dev smoke runs (their own distDirs) is not part of the build.
  for (const entry of fs.readdirSync(appDir)) {
    if (entry.startsWith('.next-dev-')) fs.rmSync(path.join(appDir, entry), { recursive: true, force: true })
  }
  await check(`next ${major}: next build${noSecrets ? ' without UPSTASH_* variables' : ''}`, async () => {
    run(path.join(appDir, 'node_modules', '.bin', 'next'), ['build'], {
      cwd: appDir,
      env: noSecrets ? buildEnv : { ...buildEnv, ...secrets },
      stdio: process.env.E2E_VERBOSE ? 'inherit' : 'pipe',
    })
  })
  const server = new NextServer(appDir, ['start'], env, `next ${major} start`)
  const port = await freePort()
  const shots = path.join(APP, 'e2e', 'screenshots', `next${major}`)
  fs.mkdirSync(shots, { recursive: true })
  const ctx = { major, browser, server, stack, shots, check }
  try {
    await check(`next ${major}: next start answers, one client`, async () => {
      const health = await server.start(port)
      if (health.redis !== 'PONG' || health.clients !== 1) throw new Error(`health: ${JSON.stringify(health)}`)
    })
    await flows.production(ctx, port)
  } finally {
    await server.stop()
  }

  // Next.js 16's dev smoke runs without serverExternalPackages (its copy's config is rewritten):
  // the package must work bundled by either bundler too.
  const withoutExternal = major === 16 && appDir !== APP
  if (withoutExternal) {
    const config = path.join(appDir, 'next.config.js')
    const text = fs.readFileSync(config, 'utf8').replace(/^\s*serverExternalPackages:.*\n/m, '')
    if (/^\s*serverExternalPackages:/m.test(text)) throw new Error('could not drop serverExternalPackages')
    fs.writeFileSync(config, text)
  }
  for (const bundler of major === 15 ? ['webpack', 'turbopack'] : ['turbopack', 'webpack']) {
    const flag = { 15: { webpack: [], turbopack: ['--turbopack'] }, 16: { webpack: ['--webpack'], turbopack: [] } }[
      major
    ][bundler]
    const devEnv = { ...env, NODE_ENV: 'development', NEXT_DIST_DIR: `.next-dev-${bundler}` }
    const label = `next ${major} dev (${bundler}${withoutExternal ? ', no serverExternalPackages' : ''})`
    const dev = new NextServer(appDir, ['dev', ...flag], devEnv, label)
    try {
      await check(`${label}: starts`, async () => dev.start(await freePort()))
      await flows.dev({ ...ctx, server: dev, label, appDir })
    } finally {
      await dev.stop()
    }
  }
}

async function main() {
  let interrupted = false
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, async () => {
      if (interrupted) return
      interrupted = true
      log(`${signal}: stopping`)
      await Promise.allSettled([...running].map((server) => server.stop()))
      await browser?.close().catch(() => {})
      await stack?.stop().catch(() => {})
      process.exit(1)
    })
  }
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get install chromium (test tools cannot download browsers here)`)
  }
  const majors = (process.env.E2E_MAJORS || '15,16').split(',').map(Number)
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'fragment-e2e-'))
  let stack
  let browser
  try {
    log('packing the tarballs')
    const tarballs = packTarballs(base)
    const apps = { 15: APP }
    if (majors.includes(16)) apps[16] = next16Copy(base)
    for (const major of majors) {
      log(`installing next ${major} + the tarballs into ${path.relative(ROOT, apps[major]) || apps[major]}`)
      install(apps[major], tarballs)
    }
    stack = await startDevStack({ log })
    const { chromium } = require(path.join(APP, 'node_modules', 'playwright-core'))
    const flows = require(path.join(APP, 'e2e', 'flows.js'))
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // Signals are handled below (servers, stack and browser together).
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    })
    for (const major of majors) await runMajor(major, apps[major], stack, browser, flows)
  } catch (error) {
    results.push({ name: 'setup', ok: false })
    log(`FAIL setup\n${String(error.stack || error).replace(/^/gm, '     ')}`)
  } finally {
    await browser?.close().catch(() => {})
    await stack?.stop().catch(() => {})
    fs.rmSync(base, { recursive: true, force: true })
  }
  const passed = results.filter((r) => r.ok).length
  const failed = results.length - passed
  console.log(`e2e: ${passed} passed, ${failed} failed`)
  process.exit(failed === 0 ? 0 : 1)
}

main()
