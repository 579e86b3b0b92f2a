'use strict'
// Decodes the Buffer that NativeClient.drainEvents() returns (format: src/event_buffer.rs).
// Every event names its stream by id; stream-state events carry nothing else to match on.

function* readEvents(buf) {
  let pos = 0
  const u8 = () => buf[pos++]
  const u32 = () => {
    const n = buf.readUInt32LE(pos)
    pos += 4
    return n
  }
  // A u64 that stays below 2^53 (ids count up from 1), as a plain number.
  const id = () => {
    const low = buf.readUInt32LE(pos)
    const high = buf.readUInt32LE(pos + 4)
    pos += 8
    return high * 2 ** 32 + low
  }
  const bytes = () => {
    const n = u32()
    const start = pos
    pos += n
    return buf.subarray(start, pos)
  }
  const text = () => bytes().toString('utf8')
  while (pos < buf.length) {
    const tag = u8()
    const stream = id()
    switch (tag) {
      case 1:
        yield { type: 'subscribed', stream, resumed: u8() === 1 }
        break
      case 2:
        yield { type: 'message', stream, channel: Buffer.from(bytes()), payload: Buffer.from(bytes()) }
        break
      case 3:
        yield {
          type: 'pmessage',
          stream,
          pattern: Buffer.from(bytes()),
          channel: Buffer.from(bytes()),
          payload: Buffer.from(bytes()),
        }
        break
      case 4: {
        const delay = u32()
        yield { type: 'reconnecting', stream, delay, code: text(), message: text() }
        break
      }
      case 5:
        yield { type: 'streamError', stream, message: text() }
        break
      case 6:
        yield { type: 'failed', stream, code: text(), message: text() }
        break
      default:
        throw new Error(`corrupt event buffer: tag ${tag} at ${pos - 9}`)
    }
  }
}

module.exports = { readEvents }
