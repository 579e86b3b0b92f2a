'use strict'
// The napi platform name — `linux-x64-gnu`, `darwin-arm64`, `win32-x64-msvc` — is the suffix of each
// binary package (`npm/<name>/`, `@fragment/redis-native-<name>`) and of its `.node` file. It is
// computed here only: the loader's hint (lib/native.js), the packaging scripts and the tests ask
// this module, so they cannot name different packages.
const pkg = require('../package.json')

const ARCH_OF_TRIPLE = { x86_64: 'x64', aarch64: 'arm64' }

/** Whether this Linux runs on glibc (else musl), as Node's own report says. */
function hostHasGlibc() {
  return Boolean(process.report?.getReport?.().header?.glibcVersionRuntime)
}

/**
 * The platform name of a machine: this one, or the one described (`glibc` only matters on Linux;
 * left out there, this machine's C library is asked).
 * @param {{ platform?: string, arch?: string, glibc?: boolean }} [machine]
 */
function platformName({ platform = process.platform, arch = process.arch, glibc } = {}) {
  if (platform === 'linux') return `linux-${arch}-${(glibc ?? hostHasGlibc()) ? 'gnu' : 'musl'}`
  // napi names the Windows binaries by their toolchain, and we build only MSVC ones.
  if (platform === 'win32') return `win32-${arch}-msvc`
  return `${platform}-${arch}`
}

/** `x86_64-unknown-linux-gnu` → `linux-x64-gnu`: the platform name of a napi target triple. */
function platformOfTarget(triple) {
  const arch = ARCH_OF_TRIPLE[triple.split('-')[0]]
  if (arch === undefined) throw new Error(`no platform name for the target ${triple}: unknown architecture`)
  if (triple.endsWith('-apple-darwin')) return platformName({ platform: 'darwin', arch })
  if (triple.endsWith('-windows-msvc')) return platformName({ platform: 'win32', arch })
  if (triple.includes('-linux-')) return platformName({ platform: 'linux', arch, glibc: !triple.endsWith('musl') })
  throw new Error(`no platform name for the target ${triple}`)
}

/** The platform names a release builds binaries for (package.json `napi.targets`). */
function supportedPlatforms() {
  return pkg.napi.targets.map(platformOfTarget)
}

/** `@fragment/redis-native-linux-x64-gnu`: the package that carries one platform's binary. */
function packageName(platform) {
  return `${pkg.name}-${platform}`
}

/** `fragment-redis-native.linux-x64-gnu.node`: that binary's file name. */
function binaryFile(platform) {
  return `${pkg.napi.binaryName}.${platform}.node`
}

module.exports = { platformName, platformOfTarget, supportedPlatforms, packageName, binaryFile }
