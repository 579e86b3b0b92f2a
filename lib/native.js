'use strict'
// The native addon. The generated loader (binding.js) picks the binary for this platform: a local
// build next to it, else the `@fragment/redis-native-<platform>` package. When nothing fits, the
// error says which platform this is and what was tried.
const pkg = require('../package.json')
const { platformName, supportedPlatforms, packageName } = require('./platform.js')

function attempts(error) {
  const seen = []
  for (let e = error; e && seen.length < 10; e = e.cause) seen.push(`  - ${String(e.message).split('\n')[0]}`)
  return seen.join('\n')
}

// binding.js is loaded with Node's own require, found at run time, never through a static
// `require('../binding.js')`: a bundler that sees one follows it to the `.node` binary and fails
// on it (Next.js without serverExternalPackages: "Module parse failed … no loaders are configured
// to process this file"). createRequire comes from process.getBuiltinModule where it exists, which
// bundlers do not rewrite.
const path = require('node:path')
const { createRequire } = process.getBuiltinModule?.('node:module') ?? require('node:module')

/** binding.js of this installed package: next to this file, or — bundled — resolved by name. */
function locateBinding() {
  const here = typeof __filename === 'string' ? __filename : ''
  if (path.isAbsolute(here) && path.basename(here) === 'native.js' && path.basename(path.dirname(here)) === 'lib') {
    const candidate = path.join(path.dirname(here), '..', 'binding.js')
    try {
      require('node:fs').accessSync(candidate)
      return { nodeRequire: createRequire(here), file: candidate }
    } catch {}
  }
  // Bundled: this code sits in a chunk of the app's build; the package is in the app's node_modules.
  const nodeRequire = createRequire(path.join(process.cwd(), 'package.json'))
  let manifest
  try {
    manifest = nodeRequire.resolve(`${pkg.name}/package.json`)
  } catch (error) {
    throw new Error(
      `${pkg.name}: bundled into the app, and the installed package was not found from ${process.cwd()}. ` +
        `Add it to serverExternalPackages in next.config.js (serverExternalPackages: ['${pkg.name}']) ` +
        'so Node loads it from node_modules, and keep it in the deployment (output: "standalone" traces it then).',
      { cause: error },
    )
  }
  return { nodeRequire, file: path.join(path.dirname(manifest), 'binding.js') }
}

try {
  const { nodeRequire, file } = locateBinding()
  module.exports = nodeRequire(file)
} catch (error) {
  if (String(error.message).includes('serverExternalPackages')) throw error
  const platform = platformName()
  const supported = supportedPlatforms()
  throw new Error(
    `${pkg.name}: no native binary for this platform (${platform}, Node ${process.version}).\n` +
      `Expected the package ${packageName(platform)} (installed automatically as an optional dependency).\n` +
      (supported.includes(platform)
        ? 'It is missing: reinstall with optional dependencies enabled (npm/cli#4828: delete node_modules and the lockfile, then npm install).\n'
        : `Prebuilt binaries exist for: ${supported.join(', ')}.\n`) +
      `Tried:\n${attempts(error)}`,
    { cause: error },
  )
}
