import { clientsCreated, redis } from '@/lib/redis'

export const dynamic = 'force-dynamic'

/** Redis reachable, and how many clients this process made (one, however often modules reload). */
export async function GET() {
  return Response.json({ redis: await redis.ping(), clients: clientsCreated(), pid: process.pid })
}
