'use strict'
// Connection-free server commands: ioredis and our client give the same replies (or shapes, for
// replies that change from call to call).
const { both, rejection } = require('./differential')

describe('differential: server commands', () => {
  both('ping / echo', async (r) => [
    await r.ping(),
    await r.ping('hello'),
    await r.echo('echo ✓'),
    await r.echoBuffer('b'),
  ])

  both('publish to a channel nobody listens to', async (r, key) => [await r.publish(`${key}:channel`, 'message')])

  // LASTSAVE and MEMORY are not run by Upstash: see designed-differences.test.js.
  both('time / dbsize have the same shapes', async (r) => {
    const time = await r.time()
    return [time.map((part) => typeof part), typeof (await r.dbsize())]
  })

  both('command count / object freq error', async (r, key) => [
    typeof (await r.command('COUNT')),
    await r.set(key, 'v'),
    await rejection(r.object('FREQ', key)),
  ])
})
