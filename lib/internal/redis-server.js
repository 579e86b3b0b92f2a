'use strict'

// A private, throwaway redis-server: loopback only, no persistence, data dir in a temp folder.

const net = require('node:net')
const { OwnedChild } = require('./child')
const { freePort } = require('./free-port')
const { requireCommand } = require('./which')
const { delay, withTimeout } = require('./wait')

const READY_TIMEOUT_MS = 10000
const PROBE_TIMEOUT_MS = 1000
const PROBE_INTERVAL_MS = 50
const FREE_PORT_ATTEMPTS = 5
const ADDRESS_IN_USE = /address already in use/i

// Sends raw RESP and resolves the reply text once `complete(text)` says so, or null on any
// failure or timeout; never rejects.
function exchange(port, payload, complete, timeoutMs = PROBE_TIMEOUT_MS) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port })
    let reply = ''
    const done = (result) => {
      socket.destroy()
      resolve(result)
    }
    socket.setTimeout(timeoutMs, () => done(null))
    socket.once('error', () => done(null))
    socket.once('connect', () => socket.write(payload))
    socket.setEncoding('utf8').on('data', (chunk) => {
      reply += chunk
      if (complete(reply)) done(reply)
    })
  })
}

async function pingRedis(port, timeoutMs) {
  const reply = await exchange(port, '*1\r\n$4\r\nPING\r\n', (text) => text.includes('\r\n'), timeoutMs)
  return reply !== null && reply.startsWith('+PONG\r\n')
}

// The pid of the server answering on `port` (INFO server), or null.
async function serverPid(port) {
  const pidLine = /process_id:(\d+)\r\n/
  const reply = await exchange(port, '*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n', (text) => pidLine.test(text))
  return reply === null ? null : Number(pidLine.exec(reply)[1])
}

// Ready = answers PING, and the answer comes from our child rather than from another server that
// already holds the port (ours then exits with "address in use", which ends the loop).
async function untilReady(child, port) {
  while (child.running) {
    if ((await pingRedis(port)) && (await serverPid(port)) === child.pid) return
    await delay(PROBE_INTERVAL_MS)
  }
}

// Starts redis-server on `port` and resolves once it answers PING. On failure the process is
// stopped and the Error carries its output; `error.addressInUse` tells callers a retry may help.
async function spawnRedis({ port, dir, onUnexpectedExit }) {
  const bin = requireCommand('redis-server')
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']
  args.push('--daemonize', 'no', '--dir', dir)
  const child = new OwnedChild('redis-server', bin, args, { onUnexpectedExit })
  try {
    await withTimeout(untilReady(child, port), READY_TIMEOUT_MS, () => new Error('timed out'))
    if (!child.running) throw new Error(child.describeExit())
    return child
  } catch (cause) {
    await child.stop(1000)
    const error = new Error(
      `redis-server did not become ready on 127.0.0.1:${port}: ${cause.message}. Its output:\n${child.output()}`,
    )
    error.addressInUse = ADDRESS_IN_USE.test(child.output())
    throw error
  }
}

// Resolves `{ child, port }`. `port` given: use exactly that port (restarts, fixed dev ports).
// Otherwise pick free ports, retrying when another process takes the port between the probe and
// redis binding it.
async function startRedisServer({ port, dir, onUnexpectedExit }) {
  if (port) return { child: await spawnRedis({ port, dir, onUnexpectedExit }), port }
  for (let attempt = 1; ; attempt++) {
    const candidate = await freePort()
    try {
      return { child: await spawnRedis({ port: candidate, dir, onUnexpectedExit }), port: candidate }
    } catch (error) {
      if (!error.addressInUse || attempt >= FREE_PORT_ATTEMPTS) throw error
    }
  }
}

module.exports = { startRedisServer, pingRedis }
