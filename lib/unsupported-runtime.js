'use strict'
// What Edge, worker and browser bundles get for every entry of this package (package.json
// "exports": the edge-light, workerd, worker and browser conditions). The package loads a native
// Node.js addon, so it can only run on the Node.js runtime; without this module those bundles fail
// with errors about "the browser" or `node:crypto` that never name the package.
throw new Error(
  '@fragment/redis-native needs the Node.js runtime (it loads a native addon), and it was imported ' +
    'by code built for the Edge runtime, a worker or the browser. ' +
    "Import it only from server code on the Node.js runtime: route handlers, server actions and server components without `export const runtime = 'edge'`; " +
    "for middleware, use `export const config = { runtime: 'nodejs' }` (Next.js ≥ 15.5; the default from Next.js 16), " +
    'or move the Redis access into a route handler. Client components must call the server (a server action or a route) instead. ' +
    'Code that has to stay on the Edge can use @upstash/redis, which speaks the same REST API to the same database.',
)
