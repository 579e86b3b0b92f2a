'use strict'

// Finds an executable on PATH without spawning a shell (`which` is not everywhere).

const fs = require('node:fs')
const path = require('node:path')

function which(command) {
  const dirs = (process.env.PATH || '').split(path.delimiter).filter(Boolean)
  const exts = process.platform === 'win32' ? (process.env.PATHEXT || '.EXE;.CMD').split(';') : ['']
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = path.join(dir, command + ext)
      try {
        fs.accessSync(candidate, fs.constants.X_OK)
        if (fs.statSync(candidate).isFile()) return candidate
      } catch {
        // not here; keep looking
      }
    }
  }
  return null
}

const INSTALL_HINTS = {
  'redis-server':
    'redis-server was not found on PATH. Install it: `sudo apt-get install redis-server` (Debian/Ubuntu) or `brew install redis` (macOS).',
  cargo: 'cargo was not found on PATH; it is needed to build the native addon. Install Rust from https://rustup.rs.',
}

// Returns the path of `command`, or throws an Error that says how to install it.
function requireCommand(command) {
  const found = which(command)
  if (!found) throw new Error(INSTALL_HINTS[command] || `${command} was not found on PATH.`)
  return found
}

module.exports = { which, requireCommand, INSTALL_HINTS }
