// Type tests, ESM style. Compiled by __test__/types.test.js, never run.
import Redis, {
  Redis as Named,
  Pipeline,
  ScanStream,
  ReplyError,
  TransportError,
  RestrictedCommandError,
} from '@fragment/redis-native'
import type { RedisOptions, RedisKey, RedisValue, Callback, ChainableCommander } from '@fragment/redis-native'
import { fromEnv, createClient } from '@fragment/redis-native'
import { startGateway, envLines } from '@fragment/redis-native/gateway'
import { startDevStack } from '@fragment/redis-native/dev-stack'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
function assertType<_T extends true>(): void {}

// Default and named exports are the same class.
assertType<Equal<typeof Redis, typeof Named>>()
const sameClass: typeof Redis = Named
const client: Named = new Redis({ url: 'https://example.upstash.io', token: 't' })
const other: Redis = new Named()
const fromStatics: Redis[] = [fromEnv(), createClient('https://example.upstash.io', { token: 't' })]

const options: RedisOptions = { keyPrefix: 'esm:' }
const key: RedisKey = 'k'
const value: RedisValue = 1
const cb: Callback<number> = () => {}

const value1: string | null = await client.get(key)
const all: Record<string, string> = await client.hgetall('h')
const ok: 'OK' | null = await client.set(key, value, 'EX', 10, 'NX')
const chain: ChainableCommander = client.pipeline().get('k').incr('n')
const results = await client.multi().set('a', '1').exec()
assertType<Equal<typeof results, [error: Error | null, result: unknown][] | null>>()
assertType<Equal<Awaited<ReturnType<typeof client.zscore>>, string | null>>()

// @ts-expect-error hgetall resolves an object
const notString: string = await client.hgetall('h')
// @ts-expect-error objects are not Redis values
await client.set('k', { a: 1 })
// @ts-expect-error unknown option
new Redis({ bogus: true })

const classes = [Pipeline, ScanStream, ReplyError, TransportError, RestrictedCommandError] as const
const handle = await startGateway({ token: 't', port: 0 })
const lines: string = envLines(handle.url, 't')
await handle.close()
const stack = await startDevStack()
await stack.stop()

export { sameClass, other, fromStatics, options, cb, value1, all, ok, chain, classes, lines, notString }
