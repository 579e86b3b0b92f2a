'use strict'
// Whether a client lets Node exit: each case runs in its own `node -e` process with a deadline,
// since "the process hangs" or "the process exits too early" can only be seen from outside.
const { env, uniqueKey } = require('../support')
const { runNodeWith, expectExitedCleanly, closedPort, useProxyAndOracle } = require('./support/common')

const DEADLINE_MS = 10000 // the child is killed after this: a hang fails, never stalls the suite
const PROMPT_MS = 5000 // "exits by itself": node start-up plus a little, far below the deadline

const { proxy, oracle } = useProxyAndOracle()

/** Runs `script` with `url`, `token` and `key` defined; asserts a clean, prompt exit. */
async function run(script, { url = env().url, key = uniqueKey('exit') } = {}) {
  return expectExitedCleanly(await runNodeWith({ url, token: env().token, key }, script, { timeoutMs: DEADLINE_MS }))
}

describe('process exit', () => {
  test('an idle client (constructed, no command) lets the process exit by itself', async () => {
    const { stdout, ms } = await run(`
      const client = new Redis({ url, token });
      client.on('ready', () => console.log('ready'));
    `)
    expect(stdout).toBe('ready\n')
    expect(ms).toBeLessThan(PROMPT_MS)
  })

  test('a pending command keeps the process alive until its reply, then it exits', async () => {
    const key = uniqueKey('exit-pending')
    proxy().plan({ delayMs: 1500 }) // the reply arrives well after the script's last line ran
    const { stdout, ms } = await run(
      `
      const client = new Redis({ url, token });
      client.set(key, 'v').then((reply) => console.log('reply', reply, Date.now() - started));
      const started = Date.now();
    `,
      { url: proxy().url, key },
    )
    const match = /^reply OK (\d+)\n$/.exec(stdout)
    expect(match).not.toBeNull()
    expect(Number(match[1])).toBeGreaterThanOrEqual(1400)
    expect(ms).toBeLessThan(PROMPT_MS)
    expect(await oracle().get(key)).toBe('v')
  })

  test('after quit() the process exits promptly', async () => {
    const { stdout, ms } = await run(`
      const client = new Redis({ url, token });
      client.set(key, 'v')
        .then(() => client.quit())
        .then((reply) => console.log('quit', reply));
    `)
    expect(stdout).toBe('quit OK\n')
    expect(ms).toBeLessThan(PROMPT_MS)
  })

  test('quit() right after 50 commands: all of them finish, then the process exits', async () => {
    const key = uniqueKey('exit-drain')
    const { stdout, ms } = await run(
      `
      const client = new Redis({ url, token });
      const all = Promise.all(Array.from({ length: 50 }, () => client.incr(key)));
      client.quit().then(async (reply) => console.log('quit', reply, (await all).at(-1)));
    `,
      { key },
    )
    expect(stdout).toBe('quit OK 50\n')
    expect(ms).toBeLessThan(PROMPT_MS)
    expect(await oracle().get(key)).toBe('50')
  })

  test('endpoint down: the command rejects with ECONNREFUSED and the process exits', async () => {
    const { stdout, ms } = await run(
      `
      const client = new Redis({ url, token });
      client.get(key).then(
        (value) => console.log('resolved', value),
        (error) => console.log('rejected', error.code),
      );
    `,
      { url: `http://127.0.0.1:${await closedPort()}` },
    )
    expect(stdout).toBe('rejected ECONNREFUSED\n')
    expect(ms).toBeLessThan(PROMPT_MS)
  })

  test('endpoint down, then quit(): the pending command rejects, quit resolves, the process exits', async () => {
    const { stdout, ms } = await run(
      `
      const client = new Redis({ url, token });
      client.get(key).catch((error) => console.log('rejected', error.code));
      client.quit().then((reply) => console.log('quit', reply));
    `,
      { url: `http://127.0.0.1:${await closedPort()}` },
    )
    expect(stdout).toBe('rejected ECONNREFUSED\nquit OK\n')
    expect(ms).toBeLessThan(PROMPT_MS)
  })
})
