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

  both('time / dbsize / lastsave have the same shapes', async (r) => {
    const time = await r.time()
    return [time.map((part) => typeof part), typeof (await r.dbsize()), typeof (await r.lastsave())]
  })

  both('command count / memory usage / object freq error', async (r, key) => [
    typeof (await r.command('COUNT')),
    await r.set(key, 'v'),
    typeof (await r.memory('USAGE', key)),
    await r.memory('USAGE', `${key}:missing`),
    await rejection(r.object('FREQ', key)),
  ])
})
