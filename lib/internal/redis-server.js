'use strict'

// A private, throwaway redis-server: loopback only, no persistence, data dir in a temp folder.

const fs = require('node:fs')
const net = require('node:net')
const { OwnedChild } = require('./child')
const { freePort } = require('./free-port')
const { requireCommand, which, INSTALL_HINTS } = require('./which')
const { delay, withTimeout } = require('./wait')

const READY_TIMEOUT_MS = 10000
const PROBE_TIMEOUT_MS = 1000
const PROBE_INTERVAL_MS = 50
const FREE_PORT_ATTEMPTS = 5
const ADDRESS_IN_USE = /address already in use/i
const REDIS_HINT = INSTALL_HINTS['redis-server']

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

// How redis-server gets installed on a machine without it: a pure decision over platform facts
// (gathered by installFacts()), so each branch is testable without running an installer. Only
// what needs no question: apt-get as root on Debian/Ubuntu (as .ci/run does), or Homebrew (which
// never needs root). Anything else (sudo would prompt, other distributions, Windows) gets the
// manual hint, and nothing is run.
//   facts: { platform, isRoot, hasAptGet, debianLike, hasBrew }
//   →      { steps: [{ command, args, env }], says } | { steps: [], manual: <message> }
function redisInstallPlan({ platform, isRoot, hasAptGet, debianLike, hasBrew }) {
  if (platform === 'linux' && isRoot && hasAptGet && debianLike) {
    const env = { DEBIAN_FRONTEND: 'noninteractive' }
    return {
      says: 'installing redis-server with apt-get (Debian/Ubuntu, running as root): apt-get update && apt-get install -y --no-install-recommends redis-server',
      steps: [
        { command: 'apt-get', args: ['update'], env },
        { command: 'apt-get', args: ['install', '-y', '--no-install-recommends', 'redis-server'], env },
      ],
    }
  }
  if ((platform === 'darwin' || platform === 'linux') && hasBrew) {
    return {
      says: 'installing redis-server with Homebrew: brew install redis',
      steps: [{ command: 'brew', args: ['install', 'redis'], env: { HOMEBREW_NO_AUTO_UPDATE: '1' } }],
    }
  }
  let why = ''
  if (platform === 'linux' && hasAptGet && debianLike && !isRoot)
    why = ' (not installed automatically: that needs root)'
  return { steps: [], manual: `${REDIS_HINT}${why}` }
}

// The facts redisInstallPlan() decides on, read from this machine.
function installFacts() {
  const debianLike = (() => {
    try {
      const release = fs.readFileSync('/etc/os-release', 'utf8')
      return /^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(release)
    } catch {
      return false
    }
  })()
  return {
    platform: process.platform,
    isRoot: typeof process.getuid === 'function' && process.getuid() === 0,
    hasAptGet: which('apt-get') !== null,
    debianLike,
    hasBrew: which('brew') !== null,
  }
}

module.exports = { startRedisServer, pingRedis, redisInstallPlan, installFacts }
