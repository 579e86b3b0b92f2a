// Type tests: ES import syntax in a CommonJS-compiled file (esModuleInterop), as most TypeScript
// servers write it. Compiled by __test__/types.test.js under module nodenext and commonjs.
import Redis, { Redis as Named, ReplyError, type RedisOptions } from '@fragment/redis-native'
import * as namespace from '@fragment/redis-native'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
function assertType<_T extends true>(): void {}

assertType<Equal<typeof Redis, typeof Named>>()
assertType<Equal<typeof namespace.Redis, typeof Redis>>()

export async function interop(options: RedisOptions) {
  const redis: Named = new Redis(options)
  const value: string | null = await redis.get('k')
  const all: Record<string, string> = await redis.hgetall('h')
  // @ts-expect-error hgetall resolves an object
  const notString: string = await redis.hgetall('h')
  try {
    await redis.incr('n')
  } catch (error) {
    if (error instanceof ReplyError) return error.message
  }
  return [value, all, notString]
}
