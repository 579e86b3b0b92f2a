'use strict'

// One synchronous 'exit' listener for the whole process: whatever a guard registers (SIGKILL a
// child, remove a temp dir) still happens when the parent crashes or calls process.exit().

const guards = new Set()
let installed = false

function runGuards() {
  for (const fn of guards) {
    try {
      fn()
    } catch {
      // best effort: the process is exiting anyway
    }
  }
  guards.clear()
}

// Registers `fn` to run at exit; returns a function that unregisters it.
function onExit(fn) {
  if (!installed) {
    process.on('exit', runGuards)
    installed = true
  }
  guards.add(fn)
  return () => guards.delete(fn)
}

module.exports = { onExit }
