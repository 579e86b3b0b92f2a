'use strict'
// The command methods that Redis and Pipeline share, written once (as ioredis's Commander): one
// per command of the table and its `…Buffer` variant, call/callBuffer/send_command, and the
// per-instance methods of defineCommand and addBuiltinCommand. A class supplies
// `_issue(name, args, asBuffer, callback)` — the client sends the command and returns its promise,
// a pipeline queues it and returns itself — and `_issueError(error, callback)` for a call that
// cannot become a command.
const commandTable = require('./commands.js')
const { splitCallback, trailingCallback } = require('./callback.js')
const { scriptArgs } = require('./scripts.js')

/** The path of every generated method: no array beyond the arguments' own, as it runs per command. */
function issue(target, name, rawArgs, asBuffer) {
  const callback = trailingCallback(rawArgs)
  return target._issue(name, callback ? rawArgs.slice(0, -1) : rawArgs, asBuffer, callback)
}

/** `call('GET', 'k')`, `call('GET', ['k'])` or `call(['GET', 'k'])`; the name goes to Redis as given. */
function issueCall(target, rawArgs, asBuffer) {
  const [args, callback] = splitCallback(rawArgs)
  const [name, ...rest] = Array.isArray(args[0]) ? args[0] : args
  if (typeof name !== 'string') return target._issueError(new TypeError('call() needs a command name'), callback)
  return target._issue(name, rest, asBuffer, callback)
}

/**
 * Installs the table's command methods, never replacing one the class wrote by hand (quit, multi,
 * exec…) — nor adding a `…Buffer` variant of it, which would send the plain command behind its back.
 */
function installCommands(proto) {
  for (const name of commandTable.names) {
    if (name in proto) continue
    proto[name] = function (...args) {
      return issue(this, name, args, false)
    }
    {
      proto[name + 'Buffer'] = function (...args) {
        return issue(this, name, args, true)
      }
    }
  }
  proto.call = function (...args) {
    return issueCall(this, args, false)
  }
  proto.callBuffer = function (...args) {
    return issueCall(this, args, true)
  }
  /** @deprecated ioredis's old name for call(). */
  proto.send_command = function (...args) {
    return issueCall(this, args, false)
  }
}

/** `target[name]` and `target[name + 'Buffer']` running a defined script (sent as EVAL; see Redis#defineCommand). */
function installScript(target, name, script) {
  for (const [method, asBuffer] of [
    [name, false],
    [name + 'Buffer', true],
  ]) {
    target[method] = (...rawArgs) => {
      const [args, callback] = splitCallback(rawArgs)
      return target._issue('eval', scriptArgs(script, args), asBuffer, callback)
    }
  }
}

/** `target[name]` and `target[name + 'Buffer']` for a command the table does not know. */
function installBuiltin(target, name) {
  target[name] = (...args) => issue(target, name, args, false)
  target[name + 'Buffer'] = (...args) => issue(target, name, args, true)
}

module.exports = { installCommands, installScript, installBuiltin }
