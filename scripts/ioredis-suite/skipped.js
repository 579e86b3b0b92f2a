'use strict'
// Tests of the portable files that are about ioredis's connection machinery or internals rather
// than behaviour a caller sees; they are skipped for both clients (so both run the same tests).
// `title` is a regular expression on mocha's full title.
const SKIPPED = [
  {
    file: 'test/functional/transaction.ts',
    title: 'should not include the exec error in its own previousErrors',
    reason: 'connects to a closed port with a retryStrategy (socket reconnects, MaxRetriesPerRequestError)',
  },
  {
    file: 'test/functional/transaction.ts',
    title: 'should handle custom transformer exception',
    reason: "patches ioredis's internal Command._transformer table",
  },
  {
    file: 'test/functional/pipeline.ts',
    title: 'should check and load uniq scripts only',
    reason: 'observes the wire through MONITOR (a connection-bound command)',
  },
  {
    file: 'test/functional/scripting.ts',
    title:
      'should use evalsha when script is loaded|fallback to EVAL|should load scripts first before execution of pipeline',
    reason: 'observes the wire through MONITOR, and sinon on the internal sendCommand',
  },
  {
    file: 'test/functional/scan_stream.ts',
    title: 'Cluster should work in cluster mode',
    reason: 'a cluster of TCP mock servers',
  },
  {
    file: 'test/functional/send_command.ts',
    title:
      'enableOfflineQueue is disabled|loading valid commands in connect event|loading invalid commands in connect event',
    reason: "the offline queue of a socket that is not yet writable (and SELECT in 'connect')",
  },
  {
    file: 'test/functional/pub_sub.ts',
    title: 'should restore subscription after reconnecting',
    reason: 'disconnect({ reconnect: true }) and the socket reconnect that resubscribes',
  },
  {
    file: 'test/functional/spub_ssub.ts',
    title: 'should restore subscription after reconnecting|individually for each channel during auto-resubscription',
    reason: 'disconnect(true) and the socket reconnect that resubscribes (one with sinon on the prototype)',
  },
]

module.exports = { SKIPPED }
