'use strict'
// subscribe()/psubscribe() calls answer in the order they were made, as ioredis's do (one socket,
// acks in order): a later call that needs fewer new channels must not resolve before an earlier
// one. Each side gets fresh clients, since a subscribed ioredis connection (RESP2) takes no other
// commands.
const IORedis = require('ioredis')
const Redis = require('../../..')
const { env, uniqueKey } = require('../../support')

async function subscribeOrder(client, base) {
  const order = []
  const many = Array.from({ length: 20 }, (_, i) => `${base}:${i}`)
  const first = client.subscribe(...many).then((count) => order.push(['many', count]))
  // Its only channel is one the first call also opens, so it is confirmed long before the rest.
  const second = client.subscribe(many[0]).then((count) => order.push(['one', count]))
  const third = client.psubscribe(`${base}:p*`).then((count) => order.push(['pattern', count]))
  // Nothing to wait for on our side, yet answered after the calls before it, as ioredis answers.
  const fourth = client.unsubscribe(many[1]).then((count) => order.push(['unsubscribe', count]))
  await Promise.all([first, second, third, fourth])
  return order
}

test('subscribe, psubscribe and unsubscribe calls resolve in call order, with the counts ioredis gives', async () => {
  const { url, token, redisUrl } = env()
  const ioredis = new IORedis(redisUrl, { protocol: 2, maxRetriesPerRequest: 1 })
  const ours = new Redis({ url, token })
  try {
    const expected = await subscribeOrder(ioredis, uniqueKey('sub-order-ref'))
    expect(expected).toEqual([
      ['many', 20],
      ['one', 20],
      ['pattern', 21],
      ['unsubscribe', 20],
    ])
    expect(await subscribeOrder(ours, uniqueKey('sub-order-our'))).toEqual(expected)
  } finally {
    ioredis.disconnect()
    ours.disconnect()
  }
}, 30000)
