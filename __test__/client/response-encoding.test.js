'use strict'
// responseEncoding reaches the wire: the option's one name runs from JS through the binding to the
// transport, and a name lost on the way would silently leave every request on the default.
const { uniqueKey } = require('../support')
const { clients, useProxyAndOracle } = require('./support/common')

const make = clients()
const { proxy } = useProxyAndOracle()

/** The reply headers asked for by the requests that mention `text`, by path. */
function asked(text) {
  return proxy()
    .requestsFor(text)
    .map((r) => ({
      path: r.path === '/pipeline' || r.path === '/multi-exec' ? r.path : 'path form',
      format: r.headers['upstash-response-format'] ?? null,
      encoding: r.headers['upstash-encoding'] ?? null,
    }))
}

async function traffic(redis, key) {
  await redis.set(key, 'v')
  await redis.multi().get(key).exec()
  await redis.set(key, Buffer.from([0xff, 0x00]))
  return redis.getBuffer(key)
}

test.each([
  [undefined, { format: null, encoding: 'base64' }],
  ['base64', { format: null, encoding: 'base64' }],
  ['resp2', { format: 'resp2', encoding: null }],
])(
  'responseEncoding %p: /pipeline asks for it, /multi-exec and the path form for base64 JSON',
  async (responseEncoding, pipeline) => {
    const redis = make({ url: proxy().url, token: process.env.UPSTASH_REDIS_REST_TOKEN, responseEncoding })
    const key = uniqueKey('encoding')
    expect(await traffic(redis, key)).toEqual(Buffer.from([0xff, 0x00]))
    const base64 = { format: null, encoding: 'base64' }
    expect(asked(key)).toEqual([
      { path: '/pipeline', ...pipeline },
      { path: '/multi-exec', ...base64 },
      { path: 'path form', ...base64 },
      { path: '/pipeline', ...pipeline },
    ])
  },
)
