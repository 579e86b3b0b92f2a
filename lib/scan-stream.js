'use strict'
// scanStream / hscanStream / sscanStream / zscanStream: one array per SCAN page, like ioredis.
const { Readable } = require('node:stream')

class ScanStream extends Readable {
  /**
   * @param {object} redis the client
   * @param {'scan'|'hscan'|'sscan'|'zscan'} command
   * @param {string|Buffer|undefined} key for hscan/sscan/zscan
   * @param {{ match?: string, type?: string, count?: number, noValues?: boolean }} options
   * @param {boolean} asBuffer emit Buffers instead of strings
   */
  constructor(redis, command, key, options = {}, asBuffer = false) {
    super({ objectMode: true })
    this.redis = redis
    this.command = command
    this.key = key
    this.options = options
    this.asBuffer = asBuffer
    this.cursor = '0'
    this.finished = false
  }

  _read() {
    if (this.finished) {
      this.push(null)
      return
    }
    const args = this.key === undefined ? [this.cursor] : [this.key, this.cursor]
    const { match, type, count, noValues } = this.options
    if (match) args.push('MATCH', match)
    if (type) args.push('TYPE', type)
    if (count) args.push('COUNT', String(count))
    if (noValues) args.push('NOVALUES')
    // Through the client's own method (scan, scanBuffer, hscan…) with one argument array, as
    // ioredis does: a wrapper or spy on that method sees every page.
    this.redis[this.asBuffer ? this.command + 'Buffer' : this.command](args)
      .then(([cursor, items]) => {
        this.cursor = String(cursor)
        if (this.cursor === '0') this.finished = true
        this.push(items)
      })
      .catch((error) => this.destroy(error))
  }

  /** Stops after the page in flight. */
  close() {
    this.finished = true
  }
}

module.exports = { ScanStream }
