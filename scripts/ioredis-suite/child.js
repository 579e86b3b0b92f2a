'use strict'
// One mocha run over test files for one target (run.js starts one child per file and target,
// so the two clients never share a module cache). Writes every test's outcome to
// IOREDIS_SUITE_RESULTS as JSON, then exits (as ioredis's own mocha config, `exit: true`: clients
// the tests leave open must not keep the run alive).
const fs = require('node:fs')
const path = require('node:path')

const testsDir = path.resolve(process.env.IOREDIS_SUITE_TESTS)
const fromTests = (name) => require(require.resolve(name, { paths: [testsDir] }))

fromTests('tsx/cjs')
require('./register.js')
const Mocha = fromTests('mocha')

const files = JSON.parse(process.env.IOREDIS_SUITE_FILES)
const skip = JSON.parse(process.env.IOREDIS_SUITE_SKIP)
const mocha = new Mocha({ timeout: 8000, reporter: 'dot' })
for (const file of files) mocha.addFile(path.join(testsDir, file))

const outcomes = []
const fileOf = (test) => path.relative(testsDir, test.file || test.parent?.file || '')
const record = (test, state, error) => outcomes.push({ file: fileOf(test), title: test.fullTitle(), state, error })

mocha.loadFiles()
mocha.lazyLoadFiles(true) // loaded above, so run() must not load them again
// Skipped tests are the connection/infra ones listed in run.js: marked pending, never run.
mocha.suite.eachTest((test) => {
  if (skip.some((s) => s.file === fileOf(test) && new RegExp(s.title).test(test.fullTitle()))) test.pending = true
})
const runner = mocha.run(() => {
  fs.writeFileSync(process.env.IOREDIS_SUITE_RESULTS, JSON.stringify(outcomes, null, 1))
  process.exit(0)
})
runner.on('pass', (test) => record(test, 'passed'))
runner.on('pending', (test) => record(test, 'skipped'))
runner.on('fail', (test, error) => {
  // A failing hook is reported against the hook; count it against the test it was running for.
  const which = test.type === 'hook' && test.ctx?.currentTest ? test.ctx.currentTest : test
  record(
    which,
    'failed',
    String(error && error.message)
      .split('\n')[0]
      .slice(0, 300),
  )
})
