'use strict'
// Lua scripts for the building blocks: EVALSHA first, EVAL when the server answers NOSCRIPT (its
// script cache was flushed or never saw this text). Works with this package's client and ioredis
// alike (`evalsha(sha, numkeys, ...keys, ...args)`). Every key a script touches is passed in KEYS:
// Upstash refuses undeclared keys in scripts flagged `allow-key-locking`.
const { createHash } = require('node:crypto')

class Script {
  /** @param {string} lua */
  constructor(lua) {
    this.lua = lua
    this.sha = createHash('sha1').update(lua).digest('hex')
  }

  /**
   * @param {{ evalsha: Function, eval: Function }} redis
   * @param {string[]} keys
   * @param {Array<string | number>} args
   */
  async run(redis, keys, args) {
    try {
      return await this._run(redis, keys, args)
    } catch (error) {
      // `allow-key-locking` is Upstash's; a plain redis-server (ioredis straight to it) refuses the
      // shebang. The same script without the flag does the same work on the same keys.
      if (!/Unexpected flag in script shebang|Unknown lua shebang/i.test(String(error && error.message))) throw error
      const plain = this.withoutUpstashFlags()
      if (plain === this) throw error
      return plain._run(redis, keys, args)
    }
  }

  async _run(redis, keys, args) {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args)
    } catch (error) {
      if (!/NOSCRIPT/.test(String(error && error.message))) throw error
      return redis.eval(this.lua, keys.length, ...keys, ...args)
    }
  }

  /** This script with Upstash-only shebang flags removed (this one when it has none). */
  withoutUpstashFlags() {
    if (this._plain) return this._plain
    const match = this.lua.match(/^#!lua flags=([^\n]*)\n/)
    if (!match || !match[1].split(',').includes('allow-key-locking')) return (this._plain = this)
    const flags = match[1].split(',').filter((flag) => flag !== 'allow-key-locking')
    const shebang = flags.length > 0 ? `#!lua flags=${flags.join(',')}\n` : ''
    this._plain = new Script(shebang + this.lua.slice(match[0].length))
    return this._plain
  }
}

// Removes what a reader found unreadable under KEYS[1] — only if it is still there: a string whose
// text is still ARGV[1], or a value of another type. A writer that replaced it meanwhile wins.
const dropUnreadable = new Script(`
local kind = redis.call('TYPE', KEYS[1]).ok
if kind == 'none' then return 0 end
if kind == 'string' and redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])
`)

module.exports = { Script, dropUnreadable }
