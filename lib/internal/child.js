'use strict'

// A child process the dev stack owns: output kept for error messages, SIGTERM-then-SIGKILL stop,
// and a SIGKILL at parent exit so no orphan outlives a crash.

const { spawn } = require('node:child_process')
const { onExit } = require('./exit-guard')
const { withTimeout } = require('./wait')

const OUTPUT_TAIL_CHARS = 8192
const STDIO_CLOSE_MS = 500 // after exit, how long to wait for the pipes to flush the last lines
const KILL_WAIT_MS = 2000

class OwnedChild {
  // `redact` removes secrets (the gateway token) from anything this object reports.
  // `onStdoutLine` sees each stdout line; `onUnexpectedExit` fires when it dies without stop().
  // `env` is added to this process's environment: the way to hand a child a secret, since
  // arguments are readable by every user of the machine (`ps`, /proc/<pid>/cmdline).
  constructor(name, command, args, { redact = (s) => s, onStdoutLine, onUnexpectedExit, env = {} } = {}) {
    this.name = name
    this.redact = redact
    this.stopping = false
    this.exitInfo = null
    this.tail = ''

    this.proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } })
    this.pid = this.proc.pid
    const releaseGuard = onExit(() => this.proc.kill('SIGKILL'))

    let partial = ''
    this.proc.stdout.setEncoding('utf8').on('data', (chunk) => {
      this.append(chunk)
      if (!onStdoutLine) return
      const lines = (partial + chunk).split(/\r?\n/)
      partial = lines.pop()
      lines.forEach(onStdoutLine)
    })
    this.proc.stderr.setEncoding('utf8').on('data', (chunk) => this.append(chunk))

    this.exited = new Promise((resolve) => {
      const finish = (info) => {
        if (this.exitInfo) return
        this.exitInfo = info
        releaseGuard()
        if (!this.stopping && onUnexpectedExit) onUnexpectedExit(this)
        resolve(info)
      }
      // Spawn failures (e.g. ENOENT) emit 'error' and never 'exit'.
      this.proc.once('error', (error) => {
        if (this.pid === undefined) finish({ code: null, signal: null, error })
      })
      this.proc.once('exit', (code, signal) => {
        const closed = new Promise((r) => this.proc.once('close', r))
        withTimeout(closed, STDIO_CLOSE_MS, () => new Error('stdio still open'))
          .catch(() => {
            // A grandchild may hold the pipes; do not let them keep this process alive.
            this.proc.stdout.destroy()
            this.proc.stderr.destroy()
          })
          .then(() => finish({ code, signal }))
      })
    })
  }

  // Redacted before trimming, so trimming cannot cut a secret in half and leave part of it.
  append(chunk) {
    this.tail = this.redact(this.tail + chunk).slice(-OUTPUT_TAIL_CHARS)
  }

  get running() {
    return this.exitInfo === null
  }

  // Recent stdout+stderr, secrets removed, for error messages.
  output() {
    const text = this.tail.trim()
    return text ? text : '(no output)'
  }

  describeExit() {
    const info = this.exitInfo
    if (!info) return `${this.name} (pid ${this.pid}) is running`
    if (info.error) return `${this.name} could not be started: ${this.redact(info.error.message)}`
    const how = info.signal ? `signal ${info.signal}` : `code ${info.code}`
    return `${this.name} (pid ${this.pid}) exited with ${how}`
  }

  // SIGTERM, then SIGKILL after `graceMs`. Resolves once the process is gone; idempotent.
  async stop(graceMs = 5000) {
    this.stopping = true
    if (!this.running) return
    this.proc.kill('SIGTERM')
    try {
      await withTimeout(this.exited, graceMs, () => new Error('grace period over'))
    } catch {
      this.proc.kill('SIGKILL')
      await withTimeout(this.exited, KILL_WAIT_MS, () => new Error(`${this.name} (pid ${this.pid}) survived SIGKILL`))
    }
  }
}

module.exports = { OwnedChild }
