'use strict'
// Decodes the Buffer that NativeClient.drainEvents() returns (format: src/event_buffer.rs).

const KIND = ['channel', 'pattern']

function* readEvents(buf) {
  let pos = 0
  const u8 = () => buf[pos++]
  const u32 = () => {
    const n = buf.readUInt32LE(pos)
    pos += 4
    return n
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
    switch (tag) {
      case 1: {
        const kind = KIND[u8()]
        const resumed = u8() === 1
        yield { type: 'subscribed', kind, resumed, name: Buffer.from(bytes()) }
        break
      }
      case 2:
        yield { type: 'message', channel: Buffer.from(bytes()), payload: Buffer.from(bytes()) }
        break
      case 3:
        yield {
          type: 'pmessage',
          pattern: Buffer.from(bytes()),
          channel: Buffer.from(bytes()),
          payload: Buffer.from(bytes()),
        }
        break
      case 4: {
        const kind = KIND[u8()]
        const name = Buffer.from(bytes())
        const delay = u32()
        yield { type: 'reconnecting', kind, name, delay, code: text(), message: text() }
        break
      }
      case 5:
        yield { type: 'streamError', kind: KIND[u8()], name: Buffer.from(bytes()), message: text() }
        break
      case 6:
        yield { type: 'failed', kind: KIND[u8()], name: Buffer.from(bytes()), code: text(), message: text() }
        break
      default:
        throw new Error(`corrupt event buffer: tag ${tag} at ${pos - 1}`)
    }
  }
}

module.exports = { readEvents }
