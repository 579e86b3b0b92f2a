'use strict'
// Which file each loader gets from package.json "exports" (resolved through the package's own name,
// as a consumer resolves it):
//   - ESM `import` gets the CommonJS entry, not an ES module build: bundlers (Next.js Turbopack)
//     make every importer of an ES module async, which breaks no-JavaScript server action posts;
//     Node's ESM still sees the named exports (__test__/types.test.js "ESM entry").
//   - Edge, worker and browser builds get a module that throws one clear message naming the
//     package, the Node.js runtime and what to do instead.
const { spawnSync } = require('node:child_process')
const path = require('node:path')

const root = path.resolve(__dirname, '..', '..')
const ENTRIES = [
  '@fragment/redis-native',
  '@fragment/redis-native/blocks',
  '@fragment/redis-native/stream',
  '@fragment/redis-native/gateway',
  '@fragment/redis-native/dev-stack',
]

function node(args, input) {
  const result = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', timeout: 30000, input })
  if (result.error) throw result.error
  return result
}

test.each(ENTRIES)('ESM import of %s resolves to a CommonJS file', (entry) => {
  const { status, stdout, stderr } = node([
    '--input-type=module',
    '-e',
    `console.log(import.meta.resolve(${JSON.stringify(entry)}))`,
  ])
  expect(stderr).toBe('')
  expect(status).toBe(0)
  expect(stdout.trim()).toMatch(/\.js$/)
  expect(stdout.trim()).not.toMatch(/unsupported-runtime/)
})

describe.each(['edge-light', 'workerd', 'worker', 'browser'])('the %s condition', (condition) => {
  test.each(ENTRIES)('%s throws a message naming the package and the Node.js runtime', (entry) => {
    for (const loader of [`require(${JSON.stringify(entry)})`, `await import(${JSON.stringify(entry)})`]) {
      const { status, stderr } = node([
        `--conditions=${condition}`,
        '--input-type=module',
        '-e',
        `import { createRequire } from 'node:module'; const require = createRequire(process.cwd() + '/'); ${loader}`,
      ])
      expect(status).not.toBe(0)
      expect(stderr).toMatch(/@fragment\/redis-native needs the Node\.js runtime/)
      expect(stderr).toMatch(/runtime: 'nodejs'/)
      expect(stderr).toMatch(/@upstash\/redis/)
    }
  })
})
