'use strict'
// A process that follows a chat stream must exit by itself once it is done with it: each case runs
// in its own `node -e` child with a deadline (SIGKILL after it), since a hang or an early exit can
// only be seen from outside.
const path = require('node:path')
const { runNode } = require('../client/support/common')
const {
  ROOT,
  env,
  uniqueKey,
  clientPool,
  produce,
  finishedStream: finishedStreamOf,
  notifyChannel,
  waitForSubscribers,
  waitForNoSubscribers,
} = require('./support')

const DEADLINE_MS = 15000 // the child is SIGKILLed after this: a hang fails, never stalls the suite
const PROMPT_MS = 5000 // "exits by itself": node start-up plus a little, far below the deadline

const pool = clientPool()
let oracle
let producer
beforeAll(() => {
  oracle = pool.oracle()
  producer = pool.streams()
})
afterAll(() => pool.closeAll())

/**
 * Starts `script` in a child with `Redis`, `ChatStreams`, `url`, `token` and `id` defined; resolves
 * the child's result once it exits, after asserting it exited cleanly (code 0, no signal, no
 * stderr) before the deadline.
 */
function runChild(script, id) {
  const prelude = `const { ChatStreams } = require(${JSON.stringify(path.join(ROOT, 'lib/stream'))});
const url = process.env.T_URL, token = process.env.T_TOKEN, id = process.env.T_ID;
process.on('unhandledRejection', (e) => { console.error('unhandled', e); process.exitCode = 3; });
`
  return runNode(prelude + script, {
    env: { T_URL: env().url, T_TOKEN: env().token, T_ID: id },
    timeoutMs: DEADLINE_MS,
  }).then((result) => {
    expect({ timedOut: result.timedOut, code: result.code, signal: result.signal, stderr: result.stderr }).toEqual({
      timedOut: false,
      code: 0,
      signal: null,
      stderr: '',
    })
    return { ...result, exitedAt: Date.now() }
  })
}

const READ_TO_END = `
const client = new Redis({ url, token });
const streams = new ChatStreams(client);
(async () => {
  let text = '';
  for await (const chunk of streams.read(id)) text += chunk.text;
  console.log(JSON.stringify(text));
  QUIT
})();
`

const finishedStream = async (texts) => (await finishedStreamOf(producer, texts, 'exit')).id

describe('process exit', () => {
  test('reading a finished stream to the end, then quit(): the process exits by itself, promptly', async () => {
    const id = await finishedStream(['a', 'b\n', 'ç'])
    const { stdout, ms } = await runChild(READ_TO_END.replace('QUIT', 'console.log(await client.quit());'), id)
    expect(stdout).toBe(`${JSON.stringify('ab\nç')}\nOK\n`)
    expect(ms).toBeLessThan(PROMPT_MS)
  })

  test('following a live stream: the child waits while the producer writes, then exits soon after done()', async () => {
    const id = uniqueKey('exit-live')
    const writer = await producer.create(id)
    let exited = false
    const child = runChild(READ_TO_END.replace('QUIT', 'console.log(await client.quit());'), id).finally(() => {
      exited = true
    })
    await waitForSubscribers(oracle, notifyChannel(producer, id), 1, DEADLINE_MS)
    await new Promise((resolve) => setTimeout(resolve, 1500))
    expect(exited).toBe(false) // alive and waiting for the reply, not gone early
    await produce(writer, ['live ', 'text'])
    await writer.done()
    const doneAt = Date.now()
    const { stdout, exitedAt } = await child
    expect(stdout).toBe(`${JSON.stringify('live text')}\nOK\n`)
    expect(exitedAt - doneAt).toBeLessThan(PROMPT_MS)
    await waitForNoSubscribers(oracle, notifyChannel(producer, id))
  })

  test('without quit(): once the read has ended, nothing keeps the process alive', async () => {
    const id = await finishedStream(['x'])
    const { stdout, ms } = await runChild(READ_TO_END.replace('QUIT', ''), id)
    expect(stdout).toBe(`${JSON.stringify('x')}\n`)
    expect(ms).toBeLessThan(PROMPT_MS)
  })

  test('aborting a live read (signal), then quit(): the process exits', async () => {
    const id = uniqueKey('exit-abort')
    const writer = await producer.create(id)
    await writer.append('first')
    const { stdout, ms } = await runChild(
      `
      const client = new Redis({ url, token });
      const streams = new ChatStreams(client, { pollMs: 60000 });
      const controller = new AbortController();
      (async () => {
        const seen = [];
        for await (const chunk of streams.read(id, { signal: controller.signal })) {
          seen.push(chunk.text);
          setTimeout(() => controller.abort(), 200); // while the reader waits for more
        }
        console.log(seen.join(','), await client.quit());
      })();
    `,
      id,
    )
    expect(stdout).toBe('first OK\n')
    expect(ms).toBeLessThan(PROMPT_MS)
    await writer.done()
  })

  test('quit() while a live reader waits (pollMs 60 s): the reader rejects with ECLOSED and the process exits', async () => {
    const id = uniqueKey('exit-quit-live')
    const writer = await producer.create(id)
    await writer.append('first')
    const { stdout, ms } = await runChild(
      `
      const client = new Redis({ url, token });
      const streams = new ChatStreams(client, { pollMs: 60000 });
      (async () => {
        const seen = [];
        try {
          for await (const chunk of streams.read(id)) {
            seen.push(chunk.text);
            setTimeout(() => client.quit(), 200); // while the reader waits for more
          }
        } catch (error) {
          console.log(seen.join(','), error.code);
        }
      })();
    `,
      id,
    )
    expect(stdout).toBe('first ECLOSED\n')
    expect(ms).toBeLessThan(PROMPT_MS)
    await writer.done()
  })

  test('reading a toSSEStream() to the end, then quit(): the process exits', async () => {
    const id = await finishedStream(['s1', 's2'])
    const { stdout, ms } = await runChild(
      `
      const client = new Redis({ url, token });
      const streams = new ChatStreams(client);
      (async () => {
        const decoder = new TextDecoder();
        let text = '';
        for await (const bytes of streams.toSSEStream(id)) text += decoder.decode(bytes, { stream: true });
        console.log(JSON.stringify(text.replace(/id: [0-9-]+/g, 'id: <id>')), await client.quit());
      })();
    `,
      id,
    )
    expect(JSON.parse(stdout.slice(0, stdout.lastIndexOf(' ')))).toBe(
      'id: <id>\ndata: s1\n\nid: <id>\ndata: s2\n\nevent: done\ndata: \n\n',
    )
    expect(stdout.endsWith(' OK\n')).toBe(true)
    expect(ms).toBeLessThan(PROMPT_MS)
  })

  test('cancelling a live toReadableStream(), then quit(): the process exits', async () => {
    const id = uniqueKey('exit-cancel')
    const writer = await producer.create(id)
    await writer.append('only')
    const { stdout, ms } = await runChild(
      `
      const client = new Redis({ url, token });
      const streams = new ChatStreams(client, { pollMs: 60000 });
      (async () => {
        const reader = streams.toReadableStream(id).getReader();
        const { value } = await reader.read();
        await new Promise((resolve) => setTimeout(resolve, 200)); // the stream now waits for more
        await reader.cancel();
        console.log(new TextDecoder().decode(value), await client.quit());
      })();
    `,
      id,
    )
    expect(stdout).toBe('only OK\n')
    expect(ms).toBeLessThan(PROMPT_MS)
    await writer.done()
  })
})
