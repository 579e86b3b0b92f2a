// Login sessions: SessionStore (@fragment/redis-native/blocks) behind an httpOnly cookie.
import { cookies } from 'next/headers'
import { SessionStore } from '@fragment/redis-native/blocks'
import { redis } from './redis'

export type Session = { user: string; loggedInAt: string }

const COOKIE = 'sid'
const TTL_SECONDS = 7 * 24 * 3600
const sessions = new SessionStore(redis, { prefix: 'app:session:', ttlSeconds: TTL_SECONDS })

/** The current session, or null. Reading it renews its expiry (sliding). */
export async function currentSession(): Promise<Session | null> {
  const id = (await cookies()).get(COOKIE)?.value
  if (!id) return null
  try {
    return (await sessions.get(id)) as Session | null
  } catch (error) {
    // Corrupt data under the key is "no session", never a crashed page.
    if (error instanceof SyntaxError) return null
    throw error
  }
}

/**
 * Logs `user` in under a new session id; the id the browser had before (if any) is destroyed, so a
 * session id planted before login is worthless after it.
 * Switch to `sessions.rotate()` once the SessionStore block has it.
 */
export async function startSession(user: string) {
  const jar = await cookies()
  const previous = jar.get(COOKIE)?.value
  if (previous) await sessions.destroy(previous)
  const id = await sessions.create({ user, loggedInAt: new Date().toISOString() } satisfies Session)
  jar.set(COOKIE, id, {
    httpOnly: true,
    sameSite: 'lax',
    secure: process.env.NODE_ENV === 'production',
    path: '/',
    maxAge: TTL_SECONDS,
  })
}

export async function endSession() {
  const jar = await cookies()
  const id = jar.get(COOKIE)?.value
  if (id) await sessions.destroy(id)
  jar.delete(COOKIE)
}
