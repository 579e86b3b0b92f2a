'use strict'
// Decodes the Buffer that NativeClient.drain() returns (format: src/reply_buffer.rs): one group per
// finished request (its id and outcome count), then its outcomes.
const { ReplyError, errorFromCode } = require('./errors.js')

const NIL = 0
const INT = 1
const BULK = 2
const STATUS = 3
const ERROR = 4
const ARRAY = 5
const FAILURE = 6
const OPEN_ARRAY = Symbol('array')

class ReplyReader {
  /**
   * @param {Buffer} buffer what drain() returned
   * @param {{ stringNumbers?: boolean }} [options] `stringNumbers` (ioredis): integers as their
   *   decimal text, exact over the whole i64 range, in string and Buffer replies alike
   */
  constructor(buffer, { stringNumbers = false } = {}) {
    this.buf = buffer
    this.pos = 0
    this.stringNumbers = stringNumbers
  }

  get done() {
    return this.pos >= this.buf.length
  }

  /** The header of the next request's group: `{ id, count }`; read `count` outcomes after it. */
  group() {
    const id = this.buf.readUInt32LE(this.pos)
    const count = this.buf.readUInt32LE(this.pos + 4)
    this.pos += 8
    return { id, count }
  }

  /**
   * The next outcome as a JS value. Strings become `string`s, or `Buffer`s when `asBuffer`.
   * Redis errors come back as ReplyError instances and transport failures as the class of their
   * code (not thrown: an error may sit inside an array, e.g. in EXEC results).
   */
  read(asBuffer) {
    // Iterative over arrays: Redis may nest replies thousands deep (Lua tables), deeper than the
    // JS stack allows recursion. `open` holds the arrays being filled, innermost last.
    const open = []
    for (;;) {
      let value = this.scalar(asBuffer)
      if (value === OPEN_ARRAY) {
        const count = this.buf.readUInt32LE(this.pos)
        this.pos += 4
        if (count > 0) {
          open.push({ items: new Array(count), next: 0 })
          continue
        }
        value = []
      }
      for (;;) {
        const top = open[open.length - 1]
        if (top === undefined) return value
        top.items[top.next++] = value
        if (top.next < top.items.length) break
        open.pop()
        value = top.items
      }
    }
  }

  /** One non-array outcome, or OPEN_ARRAY with the position at the array's count. */
  scalar(asBuffer) {
    const buf = this.buf
    const tag = buf[this.pos++]
    switch (tag) {
      case NIL:
        return null
      case INT: {
        const n = buf.readBigInt64LE(this.pos)
        this.pos += 8
        // A BigInt prints exactly; a Number would round anything beyond 2^53.
        return this.stringNumbers ? n.toString() : Number(n)
      }
      case BULK:
      case STATUS:
        return asBuffer ? this.bytes() : this.text()
      case ERROR:
        return new ReplyError(this.text())
      case ARRAY:
        return OPEN_ARRAY
      case FAILURE: {
        const code = this.text()
        return errorFromCode(code, this.text())
      }
      default:
        throw new Error(`corrupt reply buffer: tag ${tag} at ${this.pos - 1}`)
    }
  }

  length() {
    const n = this.buf.readUInt32LE(this.pos)
    this.pos += 4
    return n
  }

  text() {
    const n = this.length()
    const start = this.pos
    this.pos += n
    return this.buf.toString('utf8', start, this.pos)
  }

  bytes() {
    const n = this.length()
    const start = this.pos
    this.pos += n
    // A copy, so a kept reply does not pin the whole drained batch in memory.
    return Buffer.from(this.buf.subarray(start, this.pos))
  }
}

module.exports = { ReplyReader }
