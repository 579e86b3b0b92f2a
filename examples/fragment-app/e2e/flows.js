'use strict'
// The browser flows of `npm run test:e2e` (scripts/e2e.js runs them per Next.js major): sessions,
// the cached page, the resumable chat, the rate limit, and a `next dev` smoke.
const fs = require('node:fs')
const path = require('node:path')

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

function expect(condition, message) {
  if (!condition) throw new Error(message)
}

/** The model's exact reply to `prompt` (lib/model.ts replyTo): the oracle of the chat checks. */
function replyTo(prompt) {
  const words = Array.from({ length: 40 }, (_, i) => `w${i + 1}`)
  return `You said "${prompt}". ${words.join(' ')}.`
}

async function waitFor(predicate, what, timeoutMs = 30000, everyMs = 100) {
  const deadline = Date.now() + timeoutMs
  let last
  for (;;) {
    try {
      last = await predicate()
      if (last) return last
    } catch (error) {
      last = error
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${last})`)
    await sleep(everyMs)
  }
}

const statusOf = (page) => page.getByTestId('status').innerText()

async function logIn(page, base, user) {
  await page.goto(`${base}/`)
  await page.fill('input[name=user]', user)
  await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')])
  await waitFor(async () => (await statusOf(page)).includes(`Logged in as ${user}`), `${user} logged in`)
}

async function production({ major, browser, server, stack, shots, check }, port) {
  const base = () => server.url
  const user = `alice${major}`
  const context = await browser.newContext()
  const page = await context.newPage()
  const shot = (name) => page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true })
  let sid
  try {
    await check(`next ${major}: log in; the cookie is httpOnly, sameSite=lax, secure`, async () => {
      await page.goto(`${base()}/`)
      expect((await statusOf(page)) === 'Not logged in', 'a fresh browser is logged out')
      await logIn(page, base(), user)
      const cookie = (await context.cookies()).find((c) => c.name === 'sid')
      expect(cookie, 'a sid cookie')
      expect(cookie.httpOnly && cookie.sameSite === 'Lax' && cookie.secure, `cookie flags: ${JSON.stringify(cookie)}`)
      sid = cookie.value
      await shot('logged-in')
    })
    await check(`next ${major}: reload → still logged in`, async () => {
      await page.reload()
      expect((await statusOf(page)).includes(`Logged in as ${user}`), 'logged in after reload')
    })
    await check(`next ${major}: restart the server → still logged in`, async () => {
      await server.stop()
      const health = await server.start(port)
      expect(health.clients === 1, `one client after restart: ${JSON.stringify(health)}`)
      await page.reload()
      expect((await statusOf(page)).includes(`Logged in as ${user}`), 'logged in after the restart')
    })
    await check(`next ${major}: login without JavaScript rotates a planted session id`, async () => {
      // Session fixation: a browser that carries someone else's (valid) id logs in as bob.
      const noJs = await browser.newContext({ javaScriptEnabled: false })
      try {
        const other = await noJs.newPage()
        await other.goto(`${base()}/`) // logged out: the login form
        await noJs.addCookies([{ name: 'sid', value: sid, url: base() }])
        await other.fill('input[name=user]', `bob${major}`)
        // No JavaScript: the form posts to the server action as a plain HTML form.
        const [response] = await Promise.all([
          other.waitForResponse((r) => r.request().method() === 'POST'),
          other.click('button[type=submit]'),
        ])
        expect(response.status() < 400, `the no-JS form post answered ${response.status()}`)
        await other.waitForLoadState()
        await waitFor(async () => (await statusOf(other)).includes(`Logged in as bob${major}`), 'bob logged in')
        const bobSid = (await noJs.cookies()).find((c) => c.name === 'sid')?.value
        expect(bobSid && bobSid !== sid, 'login issued a new id')
      } finally {
        await noJs.close()
      }
      // The planted id died with the login: alice's browser is logged out.
      await page.reload()
      expect((await statusOf(page)) === 'Not logged in', 'the old id is dead after the rotation')
      await logIn(page, base(), user)
      sid = (await context.cookies()).find((c) => c.name === 'sid').value
    })

    await check(`next ${major}: cached page — miss (~500 ms), then hit`, async () => {
      await page.goto(`${base()}/cached`)
      // An earlier run against the same stack may have filled it: start from a miss.
      if ((await page.getByTestId('cache').innerText()) === 'hit') {
        await Promise.all([page.waitForURL(`${base()}/cached`), page.click('text=Invalidate')])
      }
      await waitFor(async () => (await page.getByTestId('cache').innerText()) === 'miss', 'a miss')
      const missMs = Number(await page.getByTestId('ms').innerText())
      const generated = await page.getByTestId('generated').innerText()
      expect(missMs >= 500, `the miss ran the ~500 ms query (${missMs} ms)`)
      await page.reload()
      expect((await page.getByTestId('cache').innerText()) === 'hit', 'the reload is a hit')
      expect((await page.getByTestId('generated').innerText()) === generated, 'the hit serves the cached result')
      await shot('cached-hit')
      console.log(`e2e: next ${major}: cache miss ${missMs} ms, hit ${await page.getByTestId('ms').innerText()} ms`)
    })

    await check(`next ${major}: chat streams token by token; reload mid-reply resumes the same reply`, async () => {
      const prompt = `hello from next ${major}`
      const expected = replyTo(prompt)
      await page.goto(`${base()}/chat`)
      await page.fill('input[name=prompt]', prompt)
      await page.click('button[type=submit]')
      const assistantText = async () => {
        const items = page.locator('li[data-role=assistant] [data-testid=text]')
        const count = await items.count()
        return count === 0 ? '' : items.nth(count - 1).innerText()
      }
      const seen = new Set()
      await waitFor(
        async () => {
          const text = await assistantText()
          if (text) seen.add(text)
          return text.length > expected.length / 3
        },
        'a third of the reply',
        30000,
        20,
      )
      expect(seen.size >= 3, `the reply arrived in pieces (${seen.size} states seen)`)
      for (const text of seen) expect(expected.startsWith(text.trimEnd()), `a prefix of the reply: ${text}`)
      await shot('chat-mid-reply')
      const beforeReload = await assistantText()
      expect(beforeReload.length < expected.length, 'reloaded before the reply was complete')

      await page.reload()
      const after = new Set()
      const final = await waitFor(
        async () => {
          const text = await assistantText()
          if (text) after.add(text)
          return text === expected && text
        },
        'the whole reply after the reload',
        30000,
        20,
      )
      expect(final === expected, 'the whole reply, no gaps or repeats')
      expect(
        [...after].some((t) => t.length < expected.length),
        'the rest streamed in after the reload',
      )
      const users = await page.locator('li[data-role=user] [data-testid=text]').allInnerTexts()
      const assistants = await page.locator('li[data-role=assistant] [data-testid=text]').allInnerTexts()
      expect(users.filter((t) => t === prompt).length === 1, `the prompt once: ${JSON.stringify(users)}`)
      expect(assistants.filter((t) => t === expected).length === 1, `the reply once: ${JSON.stringify(assistants)}`)
      await shot('chat-complete')

      // History persists: a fresh load shows both, complete, and nothing is streaming.
      await waitFor(async () => {
        await page.reload()
        const texts = await page.locator('li[data-role=assistant] [data-testid=text]').allInnerTexts()
        return texts.filter((t) => t === expected).length === 1
      }, 'the reply in the saved history')
    })

    await check(`next ${major}: /api/chat answers 429 with Retry-After past the limit`, async () => {
      let limited
      for (let i = 0; i < 8 && !limited; i++) {
        const response = await page.request.post(`${base()}/api/chat`, { data: { id: 'not-this-chat' } })
        if (response.status() === 429) limited = response
        else expect(response.status() === 400, `a bad body is 400 until the limit: got ${response.status()}`)
      }
      expect(limited, 'a 429 within 8 requests (limit 3 per minute)')
      const retryAfter = Number(limited.headers()['retry-after'])
      expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After: ${retryAfter}`)
    })

    await check(`next ${major}: log out everywhere ends the user's other sessions`, async () => {
      const other = await browser.newContext()
      try {
        const second = await other.newPage()
        await logIn(second, base(), user)
        await page.goto(`${base()}/`)
        expect((await statusOf(page)).includes(`Logged in as ${user}`), 'the first browser is logged in')
        await Promise.all([page.waitForURL(`${base()}/`), page.click('button:text-is("Log out everywhere")')])
        await waitFor(async () => (await statusOf(page)) === 'Not logged in', 'this browser logged out')
        await second.reload()
        expect((await statusOf(second)) === 'Not logged in', 'the other browser is logged out too')
      } finally {
        await other.close()
      }
      await logIn(page, base(), user)
      sid = (await context.cookies()).find((c) => c.name === 'sid').value
    })
    await check(
      `next ${major}: data under the session key the store did not write → logged out, no error`,
      async () => {
        // Straight to the REST API of the stack, past the app: what a foreign writer could leave.
        const reply = await fetch(stack.env.UPSTASH_REDIS_REST_URL, {
          method: 'POST',
          headers: { authorization: `Bearer ${stack.env.UPSTASH_REDIS_REST_TOKEN}` },
          body: JSON.stringify(['SET', `app:session:${sid}`, '{"user": not json']),
        })
        expect(reply.ok, `SET answered ${reply.status}`)
        const response = await page.reload()
        expect(response.status() === 200, `the page answered ${response.status()}`)
        expect((await statusOf(page)) === 'Not logged in', 'unreadable session data is no session')
        await logIn(page, base(), user)
        sid = (await context.cookies()).find((c) => c.name === 'sid').value
      },
    )
    await check(`next ${major}: log out kills the session`, async () => {
      await page.goto(`${base()}/`)
      await Promise.all([page.waitForURL(`${base()}/`), page.click('button:text-is("Log out")')])
      await waitFor(async () => (await statusOf(page)) === 'Not logged in', 'logged out')
      const replay = await fetch(`${base()}/`, { headers: { cookie: `sid=${sid}` } })
      expect((await replay.text()).includes('Not logged in'), 'the old cookie is no session any more')
      await shot('logged-out')
    })
    await check(`next ${major}: one client in the process after pages, actions and routes ran`, async () => {
      const health = await (await fetch(`${base()}/api/health`)).json()
      expect(health.clients === 1, `health: ${JSON.stringify(health)}`)
    })
  } finally {
    await context.close()
  }
}

async function dev({ major, browser, server, label, appDir, check }) {
  const base = server.url
  await check(`${label}: routes answer`, async () => {
    for (const route of ['/', '/cached', '/api/health']) {
      const response = await fetch(base + route)
      expect(response.status === 200, `${route}: ${response.status}`)
    }
  })
  await check(`${label}: login form posted without JavaScript (server action)`, async () => {
    const context = await browser.newContext({ javaScriptEnabled: false })
    try {
      const page = await context.newPage()
      await page.goto(`${base}/`)
      await page.fill('input[name=user]', `dev${major}${label.includes('webpack') ? 'webpack' : 'turbopack'}`)
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST'),
        page.click('button[type=submit]'),
      ])
      expect(response.status() < 400, `the form post answered ${response.status()}`)
      await page.waitForLoadState()
      await waitFor(
        async () =>
          (await statusOf(page)).includes(
            `Logged in as dev${major}${label.includes('webpack') ? 'webpack' : 'turbopack'}`,
          ),
        'logged in',
      )
    } finally {
      await context.close()
    }
  })
  await check(`${label}: an edit (HMR) keeps one client`, async () => {
    const dir = path.join(appDir, 'app', 'hmr-probe')
    const file = path.join(dir, 'page.tsx')
    const write = (marker) =>
      fs.writeFileSync(
        file,
        `import { clientsCreated, redis } from '@/lib/redis'\nexport const dynamic = 'force-dynamic'\n` +
          `export default async function Probe() {\n  await redis.ping()\n` +
          `  return <p id="probe">${marker} clients={clientsCreated()}</p>\n}\n`,
      )
    fs.mkdirSync(dir, { recursive: true })
    try {
      write('v1')
      const read = async () =>
        (await (await fetch(`${base}/hmr-probe`)).text()).match(/(v\d) clients=(?:<!-- -->)?(\d+)/)
      await waitFor(async () => (await read())?.[1] === 'v1', 'the probe page', 120000, 250)
      for (const marker of ['v2', 'v3']) {
        write(marker)
        const match = await waitFor(
          async () => {
            const m = await read()
            return m?.[1] === marker && m
          },
          `the edit ${marker}`,
          120000,
          250,
        )
        expect(match[2] === '1', `one client after the edit ${marker}: ${match[2]}`)
      }
      const health = await (await fetch(`${base}/api/health`)).json()
      expect(health.clients === 1, `health: ${JSON.stringify(health)}`)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
}

module.exports = { production, dev, replyTo }
