// serverExternalPackages: the native addon is loaded by Node's require at run time instead of being
// bundled. The roots pin this directory as the app's root (the repository around it has its own
// lockfile).
/** @type {import('next').NextConfig} */
module.exports = {
  serverExternalPackages: ['@fragment/redis-native'],
  outputFileTracingRoot: __dirname,
  turbopack: { root: __dirname },
  // `next dev` smoke runs of scripts/e2e.js use their own directories, apart from `next build`'s.
  distDir: process.env.NEXT_DIST_DIR || '.next',
}
