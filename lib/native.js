'use strict'
// The native addon. The generated loader (binding.js) picks the binary for this platform: a local
// build next to it, else the `@fragment/redis-native-<platform>` package. When nothing fits, the
// error says which platform this is and what was tried.
const pkg = require('../package.json')

function platformName() {
  if (process.platform !== 'linux') return `${process.platform}-${process.arch}`
  const glibc = process.report?.getReport?.().header?.glibcVersionRuntime
  return `linux-${process.arch}-${glibc ? 'gnu' : 'musl'}`
}

/** `x86_64-unknown-linux-gnu` → `linux-x64-gnu`: napi's names for the binary packages. */
function platformOfTarget(triple) {
  const arch = triple.startsWith('x86_64') ? 'x64' : 'arm64'
  if (triple.includes('darwin')) return `darwin-${arch}`
  if (triple.includes('windows')) return `win32-${arch}-msvc`
  return `linux-${arch}-${triple.endsWith('musl') ? 'musl' : 'gnu'}`
}

function attempts(error) {
  const seen = []
  for (let e = error; e && seen.length < 10; e = e.cause) seen.push(`  - ${String(e.message).split('\n')[0]}`)
  return seen.join('\n')
}

try {
  module.exports = require('../binding.js')
} catch (error) {
  const platform = platformName()
  const supported = pkg.napi.targets.map(platformOfTarget)
  throw new Error(
    `${pkg.name}: no native binary for this platform (${platform}, Node ${process.version}).\n` +
      `Expected the package ${pkg.name}-${platform} (installed automatically as an optional dependency).\n` +
      (supported.includes(platform)
        ? 'It is missing: reinstall with optional dependencies enabled (npm/cli#4828: delete node_modules and the lockfile, then npm install).\n'
        : `Prebuilt binaries exist for: ${supported.join(', ')}.\n`) +
      `Tried:\n${attempts(error)}`,
    { cause: error },
  )
}
