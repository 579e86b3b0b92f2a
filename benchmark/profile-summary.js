'use strict'
// Where a V8 CPU profile (`node --cpu-prof`, or `npm run bench -- --cpu-prof=DIR`) spent its time:
// self time per function and per file, as shares of all samples.
//
//   node benchmark/profile-summary.js DIR/ours-rtt0.cpuprofile [top=25]

const fs = require('node:fs')
const path = require('node:path')

function summarize(profile, top) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const self = new Map() // node id → sampled µs
  const deltas = profile.timeDeltas
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]
    self.set(id, (self.get(id) || 0) + (deltas[i + 1] ?? 0))
  }
  let total = 0
  const perFunction = new Map()
  const perFile = new Map()
  for (const [id, micros] of self) {
    total += micros
    const { functionName, url, lineNumber } = byId.get(id).callFrame
    const file = url ? url.replace(/^file:\/\//, '').replace(/.*\/node_modules\//, 'node_modules/') : '(native/V8)'
    const shortFile = url ? path.relative(process.cwd(), file.startsWith('/') ? file : path.resolve(file)) : file
    const fn = `${functionName || '(anonymous)'} ${url ? `${shortFile}:${lineNumber + 1}` : ''}`.trim()
    perFunction.set(fn, (perFunction.get(fn) || 0) + micros)
    perFile.set(shortFile, (perFile.get(shortFile) || 0) + micros)
  }
  const rows = (map) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, micros]) => `${((micros / total) * 100).toFixed(1).padStart(5)}%  ${name}`)
  return [
    `${(total / 1e6).toFixed(2)} s sampled`,
    '',
    'self time by function:',
    ...rows(perFunction),
    '',
    'self time by file:',
    ...rows(perFile),
  ].join('\n')
}

if (require.main === module) {
  const [file, top = '25'] = process.argv.slice(2)
  if (!file) {
    console.error('usage: node benchmark/profile-summary.js <file.cpuprofile> [top]')
    process.exit(2)
  }
  console.log(summarize(JSON.parse(fs.readFileSync(file, 'utf8')), Number(top)))
}

module.exports = { summarize }
