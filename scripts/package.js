#!/usr/bin/env node
'use strict'
// `npm run package`: installable tarballs in artifacts/ — the main package (JS, types, CLI; no
// binary) and this platform's binary package — as they would be published.
//
// The Linux binary is linked against an old glibc (2.17, via zig) so it loads on every distribution
// people deploy to, not just on the build machine's; the script checks the result with objdump.
const { spawnSync, execFileSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const ROOT = path.join(__dirname, '..')
const ARTIFACTS = path.join(ROOT, 'artifacts')
const GLIBC_FLOOR = '2.17'
const GLIBC_MAX = [2, 28]
const SIZE_LIMIT = 5 * 1024 * 1024
const pkg = require('../package.json')
const { platformName, supportedPlatforms, packageName, binaryFile } = require('../lib/platform.js')

const log = (message) => console.log(`package: ${message}`)

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', ...options })
  if (result.error) throw new Error(`${command}: ${result.error.message}`)
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`)
}

function has(command) {
  return spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0
}

/** Builds the addon for linux-x64-gnu against glibc 2.17 with cargo-zigbuild. */
function buildLinuxGnu(destination) {
  if (!has('cargo-zigbuild') && spawnSync('cargo', ['zigbuild', '--version'], { stdio: 'ignore' }).status !== 0) {
    throw new Error(
      'cargo-zigbuild is needed for a portable Linux binary: pip install ziglang && cargo install cargo-zigbuild',
    )
  }
  const triple = 'x86_64-unknown-linux-gnu'
  log(`building ${triple} against glibc ${GLIBC_FLOOR} (cargo zigbuild)`)
  run('cargo', [
    'zigbuild',
    '--release',
    '--lib',
    '-p',
    'fragment-redis-native',
    '--target',
    `${triple}.${GLIBC_FLOOR}`,
  ])
  fs.copyFileSync(path.join(ROOT, 'target', triple, 'release', 'libfragment_redis_native.so'), destination)
}

/** The newest GLIBC_x.y symbol version the binary needs. */
function glibcNeeded(file) {
  const symbols = execFileSync('objdump', ['-T', file], { encoding: 'utf8' })
  const versions = [...symbols.matchAll(/GLIBC_(\d+)\.(\d+)/g)].map((m) => [Number(m[1]), Number(m[2])])
  return versions.sort((a, b) => a[0] - b[0] || a[1] - b[1]).pop()
}

function pack(directory) {
  const output = execFileSync('npm', ['pack', '--silent', '--pack-destination', ARTIFACTS], {
    cwd: directory,
    encoding: 'utf8',
  })
  return path.join(ARTIFACTS, output.trim().split('\n').pop())
}

/**
 * Packs the main package with `optionalDependencies` on every platform package of this version,
 * as `napi pre-publish` writes them at release time (they are not in the repository's package.json:
 * unpublished packages would break `npm ci`).
 */
function packMain() {
  const staging = fs.mkdtempSync(path.join(ARTIFACTS, 'main-'))
  try {
    execFileSync('tar', ['xzf', pack(ROOT), '-C', staging])
    const manifestPath = path.join(staging, 'package', 'package.json')
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'))
    manifest.optionalDependencies = Object.fromEntries(
      supportedPlatforms()
        .sort()
        .map((platform) => [packageName(platform), pkg.version]),
    )
    fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n')
    return pack(path.join(staging, 'package'))
  } finally {
    fs.rmSync(staging, { recursive: true, force: true })
  }
}

function main() {
  const platform = platformName()
  if (platform !== 'linux-x64-gnu') throw new Error(`packaging is set up for linux-x64-gnu hosts; this is ${platform}`)
  const platformDir = path.join(ROOT, 'npm', platform)
  const binary = path.join(platformDir, binaryFile(platform))
  buildLinuxGnu(binary)

  const size = fs.statSync(binary).size
  const glibc = glibcNeeded(binary)
  log(`${path.relative(ROOT, binary)}: ${(size / 1024 / 1024).toFixed(2)} MB, needs GLIBC_${glibc.join('.')}`)
  if (size > SIZE_LIMIT) throw new Error(`the binary is ${size} bytes, over the ${SIZE_LIMIT}-byte budget`)
  if (glibc[0] > GLIBC_MAX[0] || (glibc[0] === GLIBC_MAX[0] && glibc[1] > GLIBC_MAX[1])) {
    throw new Error(`the binary needs GLIBC_${glibc.join('.')}, newer than ${GLIBC_MAX.join('.')}`)
  }

  fs.rmSync(ARTIFACTS, { recursive: true, force: true })
  fs.mkdirSync(ARTIFACTS)
  const tarballs = [packMain(), pack(platformDir)]
  for (const tarball of tarballs)
    log(`wrote ${path.relative(ROOT, tarball)} (${(fs.statSync(tarball).size / 1024).toFixed(0)} KB)`)
}

try {
  main()
} catch (error) {
  console.error(`package: ${error.message}`)
  process.exit(1)
}
