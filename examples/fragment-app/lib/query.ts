// The expensive query behind /cached, through QueryCache (@fragment/redis-native/blocks): one
// loader run per miss across every server process (a lock in Redis), tag invalidation.
import { QueryCache } from '@fragment/redis-native/blocks'
import { redis } from './redis'

export const cache = new QueryCache(redis, { prefix: 'app:cache:', ttlSeconds: 300 })

/** Every cached report carries this tag: the page's "Invalidate" drops them all. */
export const REPORT_TAG = 'reports'

export type Report = { generatedAt: string; rows: { product: string; sales: number }[] }

/** Stands in for a slow database query: ~500 ms. */
export async function topProducts(): Promise<Report> {
  await new Promise((resolve) => setTimeout(resolve, 500))
  const rows = ['anvil', 'rocket skates', 'giant magnet'].map((product, i) => ({ product, sales: 100 - i * 17 }))
  return { generatedAt: new Date().toISOString(), rows }
}
