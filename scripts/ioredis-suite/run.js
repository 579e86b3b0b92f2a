#!/usr/bin/env node
'use strict'
// Runs ioredis 6's functional tests (the portable subjects) twice over one private redis-server:
// once with real ioredis straight to it, once with this package through the local gateway; prints
// pass/fail per file for each client and every test only one of them passes.
//
//   IOREDIS_SUITE_TESTS=/tmp/ioredis-functional node scripts/ioredis-suite/run.js [--json out.json] [file…]
//
// Fetches nothing: IOREDIS_SUITE_TESTS is a directory holding ioredis's `test/` tree and a
// node_modules with mocha, chai, sinon and tsx (README.md says how to make one).
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawn } = require('node:child_process')
const { startDevStack } = require('../../lib/dev-stack')
const { SKIPPED } = require('./skipped.js')

const testsDir = process.env.IOREDIS_SUITE_TESTS
if (!testsDir || !fs.existsSync(path.join(testsDir, 'test/functional'))) {
  console.error(
    'IOREDIS_SUITE_TESTS must name a directory holding test/functional (see scripts/ioredis-suite/README.md)',
  )
  process.exit(2)
}

const args = process.argv.slice(2)
const jsonAt = args.indexOf('--json')
const jsonOut = jsonAt >= 0 ? args.splice(jsonAt, 2)[1] : null
const TOP_LEVEL = [
  'pipeline.ts',
  'transaction.ts',
  'scripting.ts',
  'scan_stream.ts',
  'pub_sub.ts',
  'send_command.ts',
  'transformer.ts',
  'string_numbers.ts',
  'show_friendly_error_stack.ts',
  'hgetall.ts',
  'spub_ssub.ts',
]

/** The portable files present: the top-level subjects above and every commands/*.ts. */
function portableFiles() {
  const functional = path.join(testsDir, 'test/functional')
  const top = TOP_LEVEL.filter((f) => fs.existsSync(path.join(functional, f))).map((f) => `test/functional/${f}`)
  const commandsDir = path.join(functional, 'commands')
  const commands = fs.existsSync(commandsDir)
    ? fs
        .readdirSync(commandsDir)
        .filter((f) => f.endsWith('.ts'))
        .sort()
        .map((f) => `test/functional/commands/${f}`)
    : []
  return [...top, ...commands]
}

/**
 * One mocha child per file, so an error thrown after a test ended (which makes mocha abort the
 * run) costs that file's remaining tests only, never the files after it. A file that ends without
 * results counts as one failure.
 */
async function runTarget(target, files, stack) {
  const outcomes = []
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ioredis-suite-'))
  const helpers = fs.readdirSync(path.join(testsDir, 'test/helpers'))
  // ioredis runs "test/helpers/*.ts" first: the global afterEach (FLUSHALL, SCRIPT FLUSH) lives there.
  const before = helpers.includes('global.ts') ? ['test/helpers/global.ts'] : []
  for (const [i, file] of files.entries()) {
    const results = path.join(dir, `${target}-${i}.json`)
    const env = {
      ...process.env,
      ...stack.env,
      IOREDIS_SUITE_TARGET: target,
      IOREDIS_SUITE_REDIS_URL: stack.redisUrl,
      IOREDIS_SUITE_FILES: JSON.stringify([...before, file]),
      IOREDIS_SUITE_SKIP: JSON.stringify(SKIPPED),
      IOREDIS_SUITE_RESULTS: results,
    }
    const ended = await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(__dirname, 'child.js')], {
        env,
        stdio: ['ignore', 'ignore', 'inherit'],
      })
      const limit = setTimeout(() => child.kill('SIGKILL'), 10 * 60 * 1000)
      child.on('error', reject)
      child.on('exit', (code, signal) => {
        clearTimeout(limit)
        resolve(signal || code)
      })
    })
    process.stderr.write(`${target}: ${file}\n`)
    if (fs.existsSync(results)) outcomes.push(...JSON.parse(fs.readFileSync(results, 'utf8')))
    else outcomes.push({ file, title: `${file} (the run ended without results: ${ended})`, state: 'failed' })
  }
  fs.rmSync(dir, { recursive: true, force: true })
  return outcomes
}

function tally(outcomes) {
  const byFile = new Map()
  for (const { file, state } of outcomes) {
    const row = byFile.get(file) || { passed: 0, failed: 0, skipped: 0 }
    row[state] += 1
    byFile.set(file, row)
  }
  return byFile
}

const subjectOf = (file) => (file.includes('/commands/') ? 'commands/*' : path.basename(file))

async function main() {
  const files = args.length ? args : portableFiles()
  const stack = await startDevStack()
  let outcomes
  try {
    outcomes = { ioredis: await runTarget('ioredis', files, stack), ours: await runTarget('ours', files, stack) }
  } finally {
    await stack.stop()
  }
  const subjects = new Map()
  for (const [target, list] of Object.entries(outcomes)) {
    for (const [file, row] of tally(list)) {
      const subject = subjectOf(file)
      const entry = subjects.get(subject) || {
        ioredis: { passed: 0, failed: 0, skipped: 0 },
        ours: { passed: 0, failed: 0, skipped: 0 },
      }
      for (const k of Object.keys(row)) entry[target][k] += row[k]
      subjects.set(subject, entry)
    }
  }
  const pct = ({ passed, failed }) => (passed + failed ? ((100 * passed) / (passed + failed)).toFixed(1) + '%' : '-')
  console.log('\nsubject                        | ioredis pass/fail/skip | ours pass/fail/skip')
  const total = { ioredis: { passed: 0, failed: 0, skipped: 0 }, ours: { passed: 0, failed: 0, skipped: 0 } }
  for (const [subject, entry] of [...subjects].sort()) {
    for (const t of ['ioredis', 'ours']) for (const k of Object.keys(total[t])) total[t][k] += entry[t][k]
    const cell = (r) => `${r.passed}/${r.failed}/${r.skipped}`.padEnd(22)
    console.log(`${subject.padEnd(30)} | ${cell(entry.ioredis)} | ${cell(entry.ours)}`)
  }
  console.log(
    `${'total'.padEnd(30)} | ${`${total.ioredis.passed}/${total.ioredis.failed}/${total.ioredis.skipped}`.padEnd(22)} | ${total.ours.passed}/${total.ours.failed}/${total.ours.skipped}`,
  )
  console.log(`pass rate (of tests run): ioredis ${pct(total.ioredis)}, ours ${pct(total.ours)}`)
  const refPassed = new Set(outcomes.ioredis.filter((o) => o.state === 'passed').map((o) => o.title))
  const ourFailures = outcomes.ours.filter((o) => o.state === 'failed')
  console.log(`\nours failed (${ourFailures.length}):`)
  for (const o of ourFailures)
    console.log(`  ${refPassed.has(o.title) ? '' : '[ioredis fails too] '}${o.file} :: ${o.title}\n      ${o.error}`)
  const refFailures = outcomes.ioredis.filter((o) => o.state === 'failed')
  console.log(`\nioredis failed (${refFailures.length}):`)
  for (const o of refFailures) console.log(`  ${o.file} :: ${o.title}\n      ${o.error}`)
  if (jsonOut)
    fs.writeFileSync(jsonOut, JSON.stringify({ total, subjects: Object.fromEntries(subjects), outcomes }, null, 1))
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
