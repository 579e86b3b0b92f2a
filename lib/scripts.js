'use strict'
// Commands added with defineCommand (and the `scripts` option), as the client and pipelines send them.

/**
 * EVAL's arguments for one call of a defined command: `[lua, numkeys, ...keysAndArgs]`, numkeys from
 * the definition, else (no `numberOfKeys`) the caller's first argument.
 */
function scriptArgs(script, args) {
  return script.numberOfKeys === undefined ? [script.lua, ...args] : [script.lua, script.numberOfKeys, ...args]
}

module.exports = { scriptArgs }
