'use strict'
// HTTPS, the production path: the gateway serves TLS (--tls-cert/--tls-key), the client trusts a
// CA given as tls: { ca }, reuses its connections and pipelines over TLS, and refuses a server it
// cannot verify (unknown CA, wrong host name, expired) with code ETLS and a message saying why.
// Certificates are made here with openssl, so nothing is checked in and nothing expires.
const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const net = require('node:net')
const os = require('node:os')
const path = require('node:path')
const { Redis } = require('../..')
const { startGateway } = require('../../lib/gateway')
const { env, uniqueKey } = require('../support')

const TOKEN = 'https-token'
let dir

const openssl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
const file = (name) => path.join(dir, name)
const read = (name) => fs.readFileSync(file(name), 'utf8')

/** A P-256 CA (`name`.pem / .key). */
function makeCa(name) {
  openssl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.pem`,
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign',
  )
}

/** A server certificate signed by `ca` for `san`, valid now, or over long ago when `expired`. */
function makeServer(name, ca, san, { expired = false } = {}) {
  openssl(
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    `/CN=${name}`,
  )
  fs.writeFileSync(
    file(`${name}.ext`),
    `subjectAltName=${san}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`,
  )
  if (!expired) {
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${ca}.pem`,
      '-CAkey',
      `${ca}.key`,
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    )
    return
  }
  // `openssl ca` is the one stock tool that sets dates in the past.
  fs.writeFileSync(file('index.txt'), '')
  fs.writeFileSync(file('serial'), '1000\n')
  fs.writeFileSync(
    file('ca.cnf'),
    `[ca]\ndefault_ca=d\n[d]\ndatabase=${file('index.txt')}\nnew_certs_dir=${dir}\nserial=${file('serial')}\n` +
      `default_md=sha256\npolicy=p\n[p]\ncommonName=supplied\n[ext]\nsubjectAltName=${san}\nextendedKeyUsage=serverAuth\n`,
  )
  openssl(
    'ca',
    '-batch',
    '-config',
    'ca.cnf',
    '-cert',
    `${ca}.pem`,
    '-keyfile',
    `${ca}.key`,
    '-in',
    `${name}.csr`,
    '-out',
    `${name}.pem`,
    '-startdate',
    '20200101000000Z',
    '-enddate',
    '20200102000000Z',
    '-extensions',
    'ext',
    '-notext',
  )
}

/** A TCP relay in front of `port` that counts the connections it carries (it cannot read TLS). */
async function countingRelay(port) {
  let connections = 0
  const sockets = new Set()
  const server = net.createServer((client) => {
    connections++
    const upstream = net.connect(port, '127.0.0.1')
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('error', () => {})
      s.on('close', () => sockets.delete(s))
    }
    client.pipe(upstream).pipe(client)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: server.address().port,
    connections: () => connections,
    close: () => {
      sockets.forEach((s) => s.destroy())
      return new Promise((resolve) => server.close(resolve))
    },
  }
}

const gateways = {}
const started = []

async function tlsGateway(cert) {
  const handle = await startGateway({
    redis: env().redisUrl,
    port: 0,
    token: TOKEN,
    tlsCert: file(`${cert}.pem`),
    tlsKey: file(`${cert}.key`),
  })
  started.push(handle)
  return handle
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fragment-https-'))
  makeCa('ca')
  makeCa('other-ca')
  makeServer('good', 'ca', 'IP:127.0.0.1,DNS:localhost')
  makeServer('misnamed', 'ca', 'DNS:wrong.example')
  makeServer('expired', 'ca', 'IP:127.0.0.1,DNS:localhost', { expired: true })
  gateways.good = await tlsGateway('good')
  gateways.misnamed = await tlsGateway('misnamed')
  gateways.expired = await tlsGateway('expired')
}, 60000)

afterAll(async () => {
  await Promise.all(started.map((g) => g.close()))
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

const client = (url, options = {}) => new Redis({ url, token: TOKEN, maxRetriesPerRequest: 0, ...options })

describe('the gateway serves HTTPS', () => {
  test('its URL is https:// and a client trusting the CA runs commands', async () => {
    expect(gateways.good.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    const redis = client(gateways.good.url, { tls: { ca: read('ca.pem') } })
    try {
      const k = uniqueKey('tls')
      expect(await redis.set(k, 'v')).toBe('OK')
      expect(await redis.get(k)).toBe('v')
      expect(await redis.getBuffer(k)).toEqual(Buffer.from('v'))
    } finally {
      redis.disconnect()
    }
  })

  test('a certificate or key that cannot be used stops the start with a clear error', async () => {
    const base = { redis: env().redisUrl, port: 0, token: TOKEN }
    await expect(startGateway({ ...base, tlsCert: file('missing.pem'), tlsKey: file('good.key') })).rejects.toThrow(
      /cannot read the certificate file .*missing\.pem/,
    )
    await expect(startGateway({ ...base, tlsCert: file('good.pem'), tlsKey: file('other-ca.key') })).rejects.toThrow(
      /do not make a usable pair/,
    )
    await expect(startGateway({ ...base, tlsCert: file('good.pem') })).rejects.toThrow(/both a certificate and its key/)
  })
})

describe('the client over TLS', () => {
  test('reuses one connection for many sequential commands', async () => {
    const relay = await countingRelay(gateways.good.port)
    const redis = client(`https://127.0.0.1:${relay.port}`, { tls: { ca: [Buffer.from(read('ca.pem'))] } })
    try {
      const k = uniqueKey('tls-reuse')
      for (let i = 0; i < 30; i++) expect(await redis.incr(k)).toBe(i + 1)
      expect(relay.connections()).toBe(1)
    } finally {
      redis.disconnect()
      await relay.close()
    }
  })

  test('pipelines: a burst, pipeline() and multi() come back complete and in order', async () => {
    const relay = await countingRelay(gateways.good.port)
    const redis = client(`https://127.0.0.1:${relay.port}`, { tls: { ca: read('ca.pem') } })
    try {
      const k = uniqueKey('tls-burst')
      const burst = await Promise.all(Array.from({ length: 300 }, () => redis.incr(k)))
      expect(burst).toEqual(Array.from({ length: 300 }, (_, i) => i + 1))
      expect(await redis.pipeline().set(`${k}:a`, '1').get(`${k}:a`).exec()).toEqual([
        [null, 'OK'],
        [null, '1'],
      ])
      expect(await redis.multi().incr(k).get(k).exec()).toEqual([
        [null, 301],
        [null, '301'],
      ])
      // Auto-pipelining merged the burst: far fewer connections than commands (one request in flight).
      expect(relay.connections()).toBeLessThanOrEqual(2)
    } finally {
      redis.disconnect()
      await relay.close()
    }
  })

  test('pub/sub streams trust the same CA', async () => {
    const ca = read('ca.pem')
    const sub = client(gateways.good.url, { tls: { ca } })
    const pub = client(gateways.good.url, { tls: { ca } })
    try {
      const channel = uniqueKey('tls-sub')
      const got = new Promise((resolve) => sub.on('message', (ch, message) => resolve([ch, message])))
      await sub.subscribe(channel)
      await pub.publish(channel, 'over tls')
      expect(await got).toEqual([channel, 'over tls'])
    } finally {
      sub.disconnect()
      pub.disconnect()
    }
  })

  const rejected = async (url, options, pattern) => {
    const redis = client(url, options)
    try {
      const error = await redis.ping().then(
        () => null,
        (e) => e,
      )
      expect(error).toMatchObject({ name: 'TransportError', code: 'ETLS' })
      expect(error.message).toMatch(pattern)
      expect(error.message).not.toContain(TOKEN)
    } finally {
      redis.disconnect()
    }
  }

  test('a certificate from a CA it was not given → ETLS "not signed by a trusted CA"', async () => {
    await rejected(
      gateways.good.url,
      {},
      /TLS handshake .*failed.*UnknownIssuer.*not signed by a trusted CA.*tls: \{ ca \}/,
    )
    await rejected(gateways.good.url, { tls: { ca: read('other-ca.pem') } }, /not signed by a trusted CA/)
  })

  test('a certificate for another host name → ETLS "does not name this host"', async () => {
    await rejected(
      gateways.misnamed.url,
      { tls: { ca: read('ca.pem') } },
      /not valid for name "127\.0\.0\.1".*does not name this host/,
    )
  })

  test('an expired certificate → ETLS "has expired"', async () => {
    await rejected(gateways.expired.url, { tls: { ca: read('ca.pem') } }, /certificate expired.*has expired/)
  })

  test('verification cannot be turned off, and bad CA input fails at construction', () => {
    const url = gateways.good.url
    expect(() => client(url, { tls: { rejectUnauthorized: false } })).toThrow(/cannot be turned off/)
    expect(() => client(url, { tls: { ca: read('ca.pem'), servername: 'x' } })).toThrow(
      /tls\.servername is not supported/,
    )
    expect(() => client(url, { tls: { ca: 'not a certificate' } })).toThrow(/tls\.ca holds no certificate/)
    expect(() => client(url, { tls: { ca: 42 } })).toThrow(/tls\.ca must be PEM text/)
    expect(() => client('http://127.0.0.1:1', { tls: { ca: read('ca.pem') } })).toThrow(/needs an https:\/\/ URL/)
  })
})
