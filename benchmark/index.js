'use strict'
// `npm run bench`: every benchmark, one after the other, each on its own private stack.
const { spawnSync } = require('node:child_process')
const path = require('node:path')

const SUITES = ['gateway.js', 'client.js', 'boundary.js', 'stream.js']

let failed = false
for (const suite of SUITES) {
  console.log(`\n=== ${suite} ===`)
  const { status } = spawnSync(process.execPath, [path.join(__dirname, suite)], { stdio: 'inherit' })
  if (status !== 0) failed = true
}
process.exit(failed ? 1 : 0)
