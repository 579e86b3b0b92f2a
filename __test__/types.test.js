'use strict'

// The public typings (index.d.ts, lib/gateway.d.ts, lib/dev-stack.d.ts) and the ESM view of the CommonJS entry.
// Type tests live in __test__/types and are compiled with the project's tsc; they import the package
// by its own name, so they see exactly what a consumer sees through package.json "exports".

const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const root = path.resolve(__dirname, '..')
const typesDir = path.join(__dirname, 'types')
const tsc = path.join(root, 'node_modules', '.bin', 'tsc')

function runTsc(project) {
  const result = spawnSync(tsc, ['-p', project, '--pretty', 'false'], { cwd: root, encoding: 'utf8', timeout: 120000 })
  if (result.error) throw result.error
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() }
}

function expectCompiles(project) {
  const { status, output } = runTsc(project)
  if (status !== 0) throw new Error(`tsc -p ${project} exited with ${status}:\n${output}`)
  expect(status).toBe(0)
}

// A throwaway project next to the type tests: self-reference only resolves inside the package.
function withScratchProject(files, fn) {
  const dir = fs.mkdtempSync(path.join(typesDir, '.scratch-'))
  try {
    const tsconfig = { extends: '../tsconfig.json', files: Object.keys(files) }
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig))
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text)
    return fn(path.relative(root, dir))
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

describe('typings', () => {
  test('the type tests compile under module nodenext (CommonJS, ESM and interop files)', () => {
    expectCompiles('__test__/types')
  })

  test('the CommonJS-style type tests compile under module commonjs', () => {
    expectCompiles('__test__/types/tsconfig.commonjs.json')
  })

  test('misuse fails to compile, at the lines that misuse the API', () => {
    const wrong = [
      "import Redis = require('@fragment/redis-native')",
      'export async function wrong(redis: Redis) {',
      "  const n: number = await redis.get('k')", // line 3: get resolves string | null
      "  await redis.set('k', { a: 1 })", // line 4: objects are not Redis values
      "  await redis.hgetal('h')", // line 5: no such command
      "  const s: string = await redis.hgetall('h')", // line 6: an object, not a string
      "  return new Redis({ url: 'https://x', token: 't', bogus: 1 })", // line 7: unknown option
      '}',
      '',
    ].join('\n')
    withScratchProject({ 'wrong.ts': wrong }, (project) => {
      const { status, output } = runTsc(project)
      expect(status).not.toBe(0)
      const lines = [...output.matchAll(/wrong\.ts\((\d+),\d+\): error TS\d+/g)].map((m) => Number(m[1]))
      expect([...new Set(lines)]).toEqual([3, 4, 5, 6, 7])
    })
  })

  test('every command method the runtime defines is typed', () => {
    const Redis = require('..')
    const methods = (proto, excluded) =>
      Object.getOwnPropertyNames(proto).filter(
        (name) =>
          name !== 'constructor' &&
          !name.startsWith('_') &&
          typeof Object.getOwnPropertyDescriptor(proto, name).value === 'function' &&
          !excluded.includes(name),
      )
    // Left out on purpose: MULTI/QUIT as plain commands are refused over REST, and the client's
    // own multi()/quit()/exec() and the pipeline's exec() are typed by hand.
    const client = methods(Redis.prototype, ['multiBuffer', 'quitBuffer'])
    const pipeline = methods(Redis.Pipeline.prototype, ['multi', 'multiBuffer', 'quit', 'quitBuffer'])
    expect(client.length).toBeGreaterThan(500)
    expect(pipeline.length).toBeGreaterThan(500)
    const list = (object, names) => names.map((name) => `  ${object}[${JSON.stringify(name)}],`).join('\n')
    const source = [
      "import Redis = require('@fragment/redis-native')",
      'declare const redis: Redis',
      'declare const pipeline: Redis.Pipeline',
      'type AnyFunction = (...args: never[]) => unknown',
      `export const clientMethods: AnyFunction[] = [\n${list('redis', client)}\n]`,
      `export const pipelineMethods: AnyFunction[] = [\n${list('pipeline', pipeline)}\n]`,
      '',
    ].join('\n')
    withScratchProject({ 'methods.ts': source }, (project) => {
      const { status, output } = runTsc(project)
      if (status !== 0) throw new Error(`methods missing from index.d.ts:\n${output}`)
      expect(status).toBe(0)
    })
  })
})

describe('generated command typings', () => {
  // The generator formats with Prettier, which cannot load inside Jest's VM: the file check runs
  // it as a child process; the rules are tested on its unformatted output.
  const { splice } = require('../scripts/generate-commander')
  const typings = (body) =>
    [
      'declare namespace Redis {',
      "  interface RedisCommander<K extends ClientContext = 'promise'> {",
      ...body,
      '  }',
      '}',
      '',
    ].join('\n')
  const overrides = (...members) => ['interface RedisCommander<K> {', ...members, '}', ''].join('\n')

  test('index.d.ts is what `npm run generate:types` writes (edit overrides.d.ts, then regenerate)', () => {
    const result = spawnSync(process.execPath, ['scripts/generate-commander', '--check'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60000,
    })
    expect(`${result.stdout}${result.stderr}`).toBe('')
    expect(result.status).toBe(0)
  })

  test('a command without an override gets an untyped pair; an override replaces it, Buffer variant kept', () => {
    const text = splice(
      typings(['    old(...args: CommandArgs): Reply<unknown, K, this>']),
      ['get', 'newcmd', 'restore-asking', 'quit'],
      overrides('  /** GET. */', '  get(key: RedisKey): Reply<string | null, K, this>'),
    )
    const body = text.split('\n').map((line) => line.trim())
    expect(body).toContain('/** GET. */')
    expect(body).toContain('get(key: RedisKey): Reply<string | null, K, this>')
    expect(body).toContain('getBuffer(...args: CommandArgs): Reply<unknown, K, this>')
    expect(body).toContain('newcmd(...args: CommandArgs): Reply<unknown, K, this>')
    expect(body).toContain('newcmdBuffer(...args: CommandArgs): Reply<unknown, K, this>')
    expect(body).toContain("'restore-asking'(...args: CommandArgs): Reply<unknown, K, this>")
    expect(body.some((line) => line.startsWith('quit'))).toBe(false) // typed by hand on the class
    expect(body.some((line) => line.startsWith('old('))).toBe(false) // replaced, not appended to
  })

  test('an override for a method the client does not have is refused, not silently kept', () => {
    expect(() =>
      splice(typings([]), ['get'], overrides('  gte(key: RedisKey): Reply<string | null, K, this>')),
    ).toThrow(/gte/)
  })
})

describe('ESM entry', () => {
  test('default and named exports match the CommonJS module', () => {
    const code = `
      import Redis, { Redis as Named } from '@fragment/redis-native';
      import * as esm from '@fragment/redis-native';
      import { createRequire } from 'node:module';
      const cjs = createRequire(import.meta.url)('@fragment/redis-native');
      const problems = [];
      if (Redis !== Named) problems.push('default !== named Redis');
      if (Redis !== cjs) problems.push('default !== require()');
      // Enumerable exports, plus the statics TypeScript lets ESM code import by name.
      for (const name of [...Object.keys(cjs), 'fromEnv', 'createClient']) {
        if (typeof cjs[name] !== 'function' && name !== 'errorCodes') problems.push('require().' + name + ' is not a function');
        if (esm[name] !== cjs[name]) problems.push('export ' + name + ' differs from require().' + name);
      }
      const gateway = await import('@fragment/redis-native/gateway');
      if (typeof gateway.startGateway !== 'function') problems.push('gateway.startGateway missing');
      const devStack = await import('@fragment/redis-native/dev-stack');
      if (typeof devStack.startDevStack !== 'function') problems.push('dev-stack.startDevStack missing');
      console.log(JSON.stringify({ problems, names: Object.keys(esm).sort() }));
    `
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
      cwd: root,
      encoding: 'utf8',
      timeout: 30000,
    })
    if (result.status !== 0) throw new Error(`node exited with ${result.status}:\n${result.stdout}${result.stderr}`)
    const { problems, names } = JSON.parse(result.stdout)
    expect(problems).toEqual([])
    expect(names).toEqual(
      expect.arrayContaining([
        'default',
        'Redis',
        'Pipeline',
        'ScanStream',
        'ReplyError',
        'TransportError',
        'RestrictedCommandError',
        'fromEnv',
        'createClient',
      ]),
    )
  })
})
