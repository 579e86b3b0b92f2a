#!/usr/bin/env node
'use strict'

// Makes a fresh clone runnable: npm dependencies, redis-server, and an up-to-date native addon.
// Runs before `npm test`, `npm run demo`, `npm run bench`; does nothing when all is current.

const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')
const { requireCommand, which } = require('../lib/internal/which')
const { redisInstallPlan, installFacts } = require('../lib/internal/redis-server')

const ROOT = path.join(__dirname, '..')
const ADDON = /^fragment-redis-native\..+\.node$/
const RUST_INPUTS = ['src', 'crates', 'Cargo.toml', 'Cargo.lock', 'build.rs']
const SKIP_DIRS = new Set(['target', 'node_modules'])

const log = (message) => console.log(`prepare: ${message}`)
const at = (p) => path.join(ROOT, p)

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs
  } catch {
    return null
  }
}

// Newest mtime of a file, or of any file under a directory; 0 when nothing exists.
function newestMtime(p) {
  let stat
  try {
    stat = fs.statSync(p)
  } catch {
    return 0
  }
  if (!stat.isDirectory()) return stat.mtimeMs
  let newest = 0
  for (const entry of fs.readdirSync(p, { withFileTypes: true })) {
    if (entry.isDirectory() && (SKIP_DIRS.has(entry.name) || entry.name.startsWith('.'))) continue
    newest = Math.max(newest, newestMtime(path.join(p, entry.name)))
  }
  return newest
}

function run(command, args, env) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } })
  if (result.error) fail(`could not run ${command}: ${result.error.message}`)
  if (result.status !== 0) process.exit(result.status === null ? 1 : result.status)
}

function fail(message) {
  console.error(`prepare: ${message}`)
  process.exit(1)
}

// npm records what it installed in node_modules/.package-lock.json; older than the lockfile
// (or absent) means node_modules does not match it.
function installDependencies() {
  const lock = mtime(at('package-lock.json'))
  const installed = mtime(at('node_modules/.package-lock.json'))
  if (installed !== null && (lock === null || installed >= lock)) return
  const command = lock === null ? 'install' : 'ci'
  log(`installing npm dependencies (npm ${command})`)
  run('npm', [command])
}

function needCommand(command, why) {
  try {
    requireCommand(command)
  } catch (error) {
    fail(why ? `${why}; ${error.message}` : error.message)
  }
}

// redis-server is installed only where that needs no question (see redisInstallPlan); loudly,
// since it changes the machine. Elsewhere the message says how.
function ensureRedisServer() {
  if (which('redis-server')) return
  const plan = redisInstallPlan(installFacts())
  if (plan.steps.length === 0) fail(plan.manual)
  const banner = '='.repeat(72)
  console.log(`${banner}\nprepare: redis-server is missing; ${plan.says}\n${banner}`)
  for (const step of plan.steps) run(step.command, step.args, step.env)
  if (!which('redis-server')) fail('redis-server is still not on PATH after the install above')
  log(`redis-server installed: ${which('redis-server')}`)
}

// Why the addon must be (re)built, or null when the newest .node is newer than every Rust input.
function buildReason() {
  const addons = fs.readdirSync(ROOT).filter((name) => ADDON.test(name))
  if (addons.length === 0) return 'no native addon built yet'
  const built = Math.max(...addons.map((name) => mtime(at(name))))
  const changed = RUST_INPUTS.find((input) => newestMtime(at(input)) > built)
  return changed ? `${changed} changed since the last build` : null
}

function buildAddon() {
  const reason = buildReason()
  if (!reason) return
  needCommand('cargo', reason)
  log(`building the native addon (${reason})`)
  run('npm', ['run', 'build'])
}

// The package suite builds the published Linux binary against an old glibc with zig
// (scripts/package.js); both tools come from registries: zig from PyPI, cargo-zigbuild from crates.io.
function installZigTools() {
  if (process.platform !== 'linux') return
  const works = (command, args) => spawnSync(command, args, { stdio: 'ignore' }).status === 0
  if (!works('python3', ['-m', 'ziglang', 'version']) && !works('zig', ['version'])) {
    log('installing zig (pip install ziglang) for portable Linux builds')
    run('python3', ['-m', 'pip', 'install', '--quiet', 'ziglang'])
  }
  if (!works('cargo', ['zigbuild', '--version'])) {
    needCommand('cargo', 'cargo-zigbuild is needed for portable Linux builds')
    log('installing cargo-zigbuild (cargo install cargo-zigbuild)')
    run('cargo', ['install', '--locked', 'cargo-zigbuild'])
  }
}

function prepare({ packaging = false } = {}) {
  installDependencies()
  ensureRedisServer()
  buildAddon()
  if (packaging) installZigTools()
}

if (require.main === module) prepare({ packaging: process.argv.includes('--packaging') })

module.exports = { prepare }
