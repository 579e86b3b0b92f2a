import { refreshReport } from '../actions'
import { cache, REPORT_TAG, topProducts } from '@/lib/query'

export const dynamic = 'force-dynamic'

export default async function Cached() {
  const started = performance.now()
  const { value, hit } = await cache.fetch('report:top-products', topProducts, { tags: [REPORT_TAG] })
  const ms = performance.now() - started
  return (
    <main>
      <h1>Top products</h1>
      <p>
        <span data-testid="cache">{hit ? 'hit' : 'miss'}</span> in <span data-testid="ms">{ms.toFixed(1)}</span> ms;
        generated at <span data-testid="generated">{value.generatedAt}</span>
      </p>
      <ul>
        {value.rows.map((row) => (
          <li key={row.product}>
            {row.product}: {row.sales}
          </li>
        ))}
      </ul>
      <form action={refreshReport}>
        <button type="submit">Invalidate</button>
      </form>
    </main>
  )
}
