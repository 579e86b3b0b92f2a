'use strict'
// The platform name (`linux-x64-gnu`, `win32-x64-msvc` …) has one owner, lib/platform.js: the
// loader's hint, the packaging scripts and the binary packages under npm/ all agree with it.
const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')
const pkg = require('../../package.json')
const { platformName, platformOfTarget, packageName, binaryFile } = require('../../lib/platform.js')

const ROOT = path.join(__dirname, '..', '..')

/** What lib/native.js throws on a machine that reports `platform`/`arch` and has no binary for it. */
function hintOn(platform, arch) {
  // A copy of the package without any .node file, so the generated loader finds nothing to load.
  const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'platform-hint-'))
  try {
    fs.cpSync(path.join(ROOT, 'lib'), path.join(dir, 'lib'), { recursive: true })
    for (const file of ['package.json', 'binding.js']) fs.copyFileSync(path.join(ROOT, file), path.join(dir, file))
    const pretend =
      `Object.defineProperty(process, 'platform', { value: ${JSON.stringify(platform)} });` +
      `Object.defineProperty(process, 'arch', { value: ${JSON.stringify(arch)} });`
    try {
      execFileSync(process.execPath, ['-e', `${pretend} require('./lib/native.js')`], {
        cwd: dir,
        encoding: 'utf8',
        stdio: 'pipe',
      })
    } catch (error) {
      return error.stderr
    }
    throw new Error('lib/native.js loaded without a binary')
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

test('every napi target has its binary package under npm/, named by platformOfTarget', () => {
  for (const triple of pkg.napi.targets) {
    const name = platformOfTarget(triple)
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'npm', name, 'package.json'), 'utf8'))
    expect({ triple, name: manifest.name, main: manifest.main }).toEqual({
      triple,
      name: packageName(name),
      main: binaryFile(name),
    })
    // The machine that package installs on computes the same name.
    const glibc = manifest.libc ? manifest.libc[0] === 'glibc' : undefined
    expect(platformName({ platform: manifest.os[0], arch: manifest.cpu[0], glibc })).toBe(name)
  }
  expect(fs.readdirSync(path.join(ROOT, 'npm')).sort()).toEqual(pkg.napi.targets.map(platformOfTarget).sort())
})

test('this machine: the name of a package that exists', () => {
  expect(pkg.napi.targets.map(platformOfTarget)).toContain(platformName())
})

test.each([
  ['win32', 'x64', 'win32-x64-msvc'],
  ['darwin', 'arm64', 'darwin-arm64'],
])('the hint on %s-%s names the real package %s', (platform, arch, expected) => {
  const hint = hintOn(platform, arch)
  expect(hint).toContain(`no native binary for this platform (${expected}, Node ${process.version})`)
  expect(hint).toContain(`Expected the package ${pkg.name}-${expected} `)
  expect(fs.existsSync(path.join(ROOT, 'npm', expected, 'package.json'))).toBe(true)
  expect(hint).toMatch(/reinstall with optional dependencies enabled/)
})
