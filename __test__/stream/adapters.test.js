'use strict'
// The Web-stream adapters: toReadableStream (text) and toSSEStream (Server-Sent Events bytes with
// `id:` lines), cancellation, failure, and Last-Event-ID resumption — in memory and over real HTTP.
const http = require('node:http')
const { spawn } = require('node:child_process')
const { Readable, pipeline } = require('node:stream')
const {
  ChatStreams,
  StreamFailedError,
  uniqueKey,
  clientPool,
  readWebStream,
  parseSSE,
  makeChunks,
  produce,
  finishedStream: finishedStreamOf,
  notifyChannel,
  waitForNoSubscribers,
  waitForSubscribers,
  waitUntil,
  within,
  sleep,
} = require('./support')

const pool = clientPool()
let oracle
let producer
let readers
beforeEach(() => {
  oracle = pool.oracle()
  producer = pool.streams()
  readers = pool.streams({ pollMs: 60000 }) // wake-ups must come from notifications or cancellation
})
afterEach(() => pool.closeAll())

// SSE carries text line by line: CR and CRLF inside a chunk arrive as LF (the format's own line
// endings), so the SSE cases use LF only. Everything else, including empty chunks, is exact.
const TEXTS = ['Hello', ', ', '', 'wörld 🚀', '\nnew line', 'two\n\nblank lines\n', 'data: x', 'end.']

const finishedStream = (texts = TEXTS) => finishedStreamOf(producer, texts, 'adapt')

/** SSE bytes → events; asserts every value is a Uint8Array and the stream ends on an event boundary. */
async function sseEvents(stream, options) {
  const values = await readWebStream(stream, options)
  for (const value of values) expect(value).toBeInstanceOf(Uint8Array)
  const { events, rest } = parseSSE(values)
  expect(rest).toBe('')
  return events
}

const chunkEvents = (events) => events.filter((e) => e.event === 'message')

/** The text of each value of a toReadableStream(), asserting it is bytes (a Response body needs them). */
function textsOf(values) {
  const decoder = new TextDecoder('utf-8', { fatal: true })
  return values.map((value) => {
    expect(value).toBeInstanceOf(Uint8Array)
    return decoder.decode(value)
  })
}
const textOfRead = (result) => textsOf([result.value])[0]

describe('toReadableStream', () => {
  test("yields each chunk's text as UTF-8 bytes, one value per chunk", async () => {
    const { id } = await finishedStream()
    const values = textsOf(await readWebStream(readers.toReadableStream(id)))
    expect(values).toEqual(TEXTS)
    expect(values.join('')).toBe(TEXTS.join(''))
  })

  test('follows a live stream and honours `after`', async () => {
    const id = uniqueKey('adapt-live')
    const writer = await producer.create(id)
    const head = await produce(writer, ['a', 'b'])
    const reading = readWebStream(readers.toReadableStream(id, { after: head[0] }))
    await waitForSubscribers(oracle, notifyChannel(readers, id))
    await produce(writer, ['c', 'd'], { delayMs: 20 })
    await writer.done()
    expect(textsOf(await reading)).toEqual(['b', 'c', 'd'])
  })

  test('cancel() while waiting for the next chunk resolves promptly and unsubscribes', async () => {
    const id = uniqueKey('adapt-cancel')
    const writer = await producer.create(id)
    await produce(writer, ['one', 'two'])
    const reader = readers.toReadableStream(id).getReader()
    expect(textOfRead(await within(reader.read(), 5000, 'first chunk'))).toBe('one')
    expect(textOfRead(await within(reader.read(), 5000, 'second chunk'))).toBe('two')
    const channel = notifyChannel(readers, id)
    await waitForSubscribers(oracle, channel)
    // The stream is now pulling the third chunk, which the stalled producer never writes.
    await sleep(50)
    const started = Date.now()
    await within(reader.cancel(), 3000, 'cancel()')
    expect(Date.now() - started).toBeLessThan(2000)
    expect(await reader.read()).toEqual({ value: undefined, done: true })
    await waitForNoSubscribers(oracle, channel)
    expect(readers.redis.listenerCount('message')).toBe(0)
    await writer.append('three') // the producer is unaffected
  })

  test('cancel() after part of a finished stream stops the reader', async () => {
    const { id } = await finishedStream(makeChunks(50))
    const reader = readers.toReadableStream(id).getReader()
    expect(textOfRead(await reader.read())).toBe('tok0;')
    await within(reader.cancel(), 3000, 'cancel()')
    await waitForNoSubscribers(oracle, notifyChannel(readers, id))
  })

  test('the `signal` option closes the stream without an error', async () => {
    const id = uniqueKey('adapt-signal')
    const writer = await producer.create(id)
    await writer.append('only')
    const controller = new AbortController()
    const reading = readWebStream(readers.toReadableStream(id, { signal: controller.signal }), { timeoutMs: 5000 })
    await waitForSubscribers(oracle, notifyChannel(readers, id))
    await sleep(50)
    controller.abort()
    expect(textsOf(await reading)).toEqual(['only'])
    await waitForNoSubscribers(oracle, notifyChannel(readers, id))
  })

  test('a failed stream errors the Web stream with StreamFailedError(reason) after the earlier chunks', async () => {
    const id = uniqueKey('adapt-fail')
    const writer = await producer.create(id)
    await produce(writer, ['par', 'tial'])
    await writer.fail('rate limited')
    const reader = readers.toReadableStream(id).getReader()
    expect(textOfRead(await reader.read())).toBe('par')
    expect(textOfRead(await reader.read())).toBe('tial')
    const error = await reader.read().then(
      () => null,
      (e) => e,
    )
    expect(error).toBeInstanceOf(StreamFailedError)
    expect(error.message).toBe('rate limited')
  })
})

describe('toSSEStream', () => {
  test('events carry the entry ids, their data joins to the text, and the stream ends with `event: done`', async () => {
    const { id, ids } = await finishedStream()
    const events = await sseEvents(readers.toSSEStream(id))
    const chunks = chunkEvents(events)
    expect(chunks.map((e) => e.id)).toEqual(ids)
    expect(chunks.map((e) => e.data)).toEqual(TEXTS)
    expect(chunks.map((e) => e.data).join('')).toBe(TEXTS.join(''))
    expect(events.at(-1)).toEqual({ event: 'done', id: undefined, data: '' })
    expect(events).toHaveLength(TEXTS.length + 1)
  })

  test('CR and CRLF inside a chunk arrive as LF (SSE line endings); nothing else changes', async () => {
    const { id } = await finishedStream(['a\r\nb', 'c\rd', 'e\n'])
    const events = await sseEvents(readers.toSSEStream(id))
    expect(chunkEvents(events).map((e) => e.data)).toEqual(['a\nb', 'c\nd', 'e\n'])
  })

  test('a failed stream ends with `event: error` carrying the reason (multi-line too)', async () => {
    const id = uniqueKey('adapt-sse-fail')
    const writer = await producer.create(id)
    const ids = await produce(writer, ['so far'])
    await writer.fail('model error\nretry later')
    const events = await sseEvents(readers.toSSEStream(id))
    expect(events).toEqual([
      { event: 'message', id: ids[0], data: 'so far' },
      { event: 'error', id: undefined, data: 'model error\nretry later' },
    ])
  })

  test('an unknown stream is one `event: error`', async () => {
    const events = await sseEvents(readers.toSSEStream(uniqueKey('adapt-none')))
    expect(events).toEqual([{ event: 'error', id: undefined, data: expect.stringMatching(/^no chat stream /) }])
  })

  test('cancel() stops a live SSE stream and its subscription', async () => {
    const id = uniqueKey('adapt-sse-cancel')
    const writer = await producer.create(id)
    await writer.append('first')
    const reader = readers.toSSEStream(id).getReader()
    const { events } = parseSSE([(await within(reader.read(), 5000, 'first event')).value])
    expect(events.map((e) => e.data)).toEqual(['first'])
    await waitForSubscribers(oracle, notifyChannel(readers, id))
    await within(reader.cancel(), 3000, 'cancel()')
    await waitForNoSubscribers(oracle, notifyChannel(readers, id))
  })

  test('resuming from a Last-Event-ID gives exactly the remainder', async () => {
    const texts = makeChunks(40)
    const { id, ids } = await finishedStream(texts)
    // First connection: read until the 15th chunk event, then drop it.
    const reader = readers.toSSEStream(id).getReader()
    const seen = []
    let buffered = ''
    const decoder = new TextDecoder()
    while (seen.length < 15) {
      const { value, done } = await within(reader.read(), 5000, 'an event')
      expect(done).toBe(false)
      buffered += decoder.decode(value, { stream: true })
      const { events, rest } = parseSSE(buffered)
      buffered = rest
      seen.push(...events)
    }
    await reader.cancel()
    const lastEventId = seen.at(-1).id
    expect(lastEventId).toBe(ids[seen.length - 1])

    // The browser reconnects with Last-Event-ID; the route resumes from there.
    const request = new Request('https://app.example/api/chat/stream', { headers: { 'Last-Event-ID': lastEventId } })
    const resumed = await sseEvents(readers.toSSEStream(id, { after: ChatStreams.resumePoint(request) }))
    const resumedChunks = chunkEvents(resumed)
    expect(resumedChunks.map((e) => e.id)).toEqual(ids.slice(seen.length))
    expect(seen.map((e) => e.data).join('') + resumedChunks.map((e) => e.data).join('')).toBe(texts.join(''))
    expect(resumed.at(-1).event).toBe('done')
  })
})

describe('toSSEResponse', () => {
  const resuming = (lastEventId) =>
    new Request('https://app.example/api/chat/stream', lastEventId ? { headers: { 'Last-Event-ID': lastEventId } } : {})

  test('200 with the SSE stream while something is left; 204 once the client has all of a finished reply', async () => {
    const { id, ids } = await finishedStream()
    const fresh = await readers.toSSEResponse(id, resuming())
    expect(fresh.status).toBe(200)
    expect(fresh.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    const events = parseSSE(await fresh.text()).events
    expect(chunkEvents(events).map((e) => e.data)).toEqual(TEXTS)
    expect(events.at(-1).event).toBe('done')

    const rest = await readers.toSSEResponse(id, resuming(ids[3]))
    expect(rest.status).toBe(200)
    expect(chunkEvents(parseSSE(await rest.text()).events).map((e) => e.id)).toEqual(ids.slice(4))

    // The browser reconnected after the end (it did not close on `event: done`): nothing more comes.
    const after = await readers.toSSEResponse(id, resuming(ids.at(-1)))
    expect(after.status).toBe(204)
    expect(await after.text()).toBe('')
    expect((await readers.toSSEResponse(id, resuming('99999999999999-0'))).status).toBe(204)
  })

  test('204 for an unknown stream; a failed one answers its chunks and `event: error` once, then 204', async () => {
    expect((await readers.toSSEResponse(uniqueKey('adapt-none'), resuming())).status).toBe(204)
    const id = uniqueKey('adapt-resp-fail')
    const writer = await producer.create(id)
    const [chunkId] = await produce(writer, ['so far'])
    await writer.fail('overloaded')
    const first = await readers.toSSEResponse(id, resuming())
    expect(first.status).toBe(200)
    expect(parseSSE(await first.text()).events.map((e) => e.event)).toEqual(['message', 'error'])
    expect((await readers.toSSEResponse(id, resuming(chunkId))).status).toBe(204)
  })

  test('an out-of-range Last-Event-ID replays from the start instead of failing the same way on every reconnect', async () => {
    const { id } = await finishedStream()
    const response = await readers.toSSEResponse(id, resuming('99999999999999999999999-0'))
    expect(response.status).toBe(200)
    expect(chunkEvents(parseSSE(await response.text()).events).map((e) => e.data)).toEqual(TEXTS)
    // A route's own bad `after` is final too: 204, never a 500 that some clients retry.
    const explicit = await readers.toSSEResponse(id, resuming(), { after: '1-99999999999999999999999' })
    expect(explicit.status).toBe(204)
  })

  test("a live reply: the request's signal (client gone) stops the reader and its subscription", async () => {
    const id = uniqueKey('adapt-resp-live')
    const writer = await producer.create(id)
    await writer.append('live')
    const controller = new AbortController()
    const request = new Request('https://app.example/api/chat/stream', { signal: controller.signal })
    const response = await readers.toSSEResponse(id, request)
    expect(response.status).toBe(200)
    const reader = response.body.getReader()
    expect(parseSSE([(await within(reader.read(), 5000, 'the first event')).value]).events[0].data).toBe('live')
    await waitForSubscribers(oracle, notifyChannel(readers, id))
    controller.abort()
    await waitForNoSubscribers(oracle, notifyChannel(readers, id))
    await writer.done()
  })
})

describe('ChatStreams.resumePoint', () => {
  const withHeader = (value) =>
    new Request('https://app.example/api/chat', value === undefined ? {} : { headers: { 'Last-Event-ID': value } })

  test('returns the Last-Event-ID of a Fetch Request, else "0"', () => {
    expect(ChatStreams.resumePoint(withHeader('1719000000000-3'))).toBe('1719000000000-3')
    expect(ChatStreams.resumePoint(withHeader(undefined))).toBe('0')
    expect(ChatStreams.resumePoint(withHeader(''))).toBe('0')
    expect(ChatStreams.resumePoint(withHeader('not-an-id'))).toBe('0')
    expect(ChatStreams.resumePoint(withHeader('$'))).toBe('0')
    expect(ChatStreams.resumePoint(withHeader('12-3 '))).toBe('12-3') // Fetch trims header values
  })

  test("reads a Node IncomingMessage's lower-case headers object; no request → '0'", () => {
    expect(ChatStreams.resumePoint({ headers: { 'last-event-id': '5-0' } })).toBe('5-0')
    expect(ChatStreams.resumePoint({ headers: {} })).toBe('0')
    expect(ChatStreams.resumePoint(undefined)).toBe('0')
  })
})

describe('over HTTP', () => {
  test('a real EventSource that never closes itself stops after the reply: it reconnects once and gets 204', async () => {
    const { id, ids } = await finishedStream()
    const seen = [] // [status, Last-Event-ID] per request
    const server = http.createServer(async (req, res) => {
      const response = await readers.toSSEResponse(id, req)
      seen.push([response.status, req.headers['last-event-id'] ?? null])
      res.writeHead(response.status, Object.fromEntries(response.headers))
      if (response.body) pipeline(Readable.fromWeb(response.body), res, () => {})
      else res.end()
    })
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${server.address().port}/`
      // Node 20's EventSource is behind a flag, so it runs in a child. It ignores `event: done`
      // (as a careless page would) and reports what it saw once EventSource gave up.
      // The child ends by itself once EventSource closed and the timer is gone (nothing left pending).
      const script = `
        const source = new EventSource(process.argv[1]);
        const messages = [];
        const timer = setTimeout(() => { console.log(JSON.stringify({ messages, closed: false })); source.close(); }, 12000);
        source.onmessage = (event) => messages.push(event.data);
        source.onerror = () => {
          if (source.readyState !== EventSource.CLOSED) return;
          console.log(JSON.stringify({ messages, closed: true }));
          clearTimeout(timer);
        };`
      const output = await within(
        new Promise((resolve, reject) => {
          const child = spawn(process.execPath, ['--experimental-eventsource', '--no-warnings', '-e', script, url])
          let stdout = ''
          child.stdout.on('data', (chunk) => (stdout += chunk))
          child.on('error', reject)
          child.on('exit', () => resolve(stdout))
        }),
        20000,
        'the EventSource child',
      )
      const { messages, closed } = JSON.parse(output)
      expect(closed).toBe(true)
      expect(messages).toEqual(TEXTS)
      expect(seen).toEqual([
        [200, null],
        [204, ids.at(-1)],
      ])
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })

  /** A route that serves the SSE stream of `id`, resuming from the request's Last-Event-ID. */
  async function serve(streams, id) {
    const open = new Set()
    const server = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
      const body = Readable.fromWeb(streams.toSSEStream(id, { after: ChatStreams.resumePoint(req) }))
      open.add(body)
      pipeline(body, res, () => open.delete(body))
    })
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
    return {
      url: `http://127.0.0.1:${server.address().port}/`,
      open,
      close: () => new Promise((resolve) => server.close(resolve)),
    }
  }

  /** GET with optional Last-Event-ID; `stopAfter(text)` may end the connection early. */
  function get(url, { lastEventId, stopAfter } = {}) {
    return within(
      new Promise((resolve, reject) => {
        const headers = lastEventId ? { 'Last-Event-ID': lastEventId } : {}
        const req = http.get(url, { headers, agent: false }, (res) => {
          let text = ''
          res.setEncoding('utf8')
          res.on('data', (chunk) => {
            text += chunk
            if (stopAfter && stopAfter(text)) {
              req.destroy()
              resolve(text)
            }
          })
          res.on('end', () => resolve(text))
          res.on('error', reject)
        })
        req.on('error', reject)
      }),
      10000,
      `GET ${url}`,
    )
  }

  test('a client that disconnects mid-stream reconnects with Last-Event-ID and gets exactly the rest; the dropped response stops reading', async () => {
    const texts = makeChunks(30, (i) => `line ${i}\n`)
    const id = uniqueKey('adapt-http')
    const writer = await producer.create(id)
    const ids = await produce(writer, texts.slice(0, 20))
    const server = await serve(readers, id)
    try {
      // Disconnect after 10 complete events, while the producer is still writing.
      const first = await get(server.url, { stopAfter: (t) => parseSSE(t).events.length >= 10 })
      const seen = parseSSE(first).events.slice(0, 10)
      expect(seen.map((e) => e.id)).toEqual(ids.slice(0, 10))
      await waitUntil(() => server.open.size === 0, {
        timeoutMs: 5000,
        what: 'the server to stop the dropped response',
      })
      await waitForNoSubscribers(oracle, notifyChannel(readers, id)) // its reader is gone too

      const second = get(server.url, { lastEventId: seen.at(-1).id })
      ids.push(...(await produce(writer, texts.slice(20), { delayMs: 5 })))
      await writer.done()
      const rest = parseSSE(await second)
      expect(rest.rest).toBe('')
      const restChunks = chunkEvents(rest.events)
      expect(restChunks.map((e) => e.id)).toEqual(ids.slice(10))
      expect([...seen, ...restChunks].map((e) => e.data).join('')).toBe(texts.join(''))
      expect(rest.events.at(-1).event).toBe('done')
    } finally {
      await server.close()
    }
    await waitForNoSubscribers(oracle, notifyChannel(readers, id))
  })
})
