// Login sessions: SessionStore (@fragment/redis-native/blocks) behind an httpOnly cookie.
import { cookies } from 'next/headers'
import { SessionStore } from '@fragment/redis-native/blocks'
import { redis } from './redis'

export type Session = { user: string; loggedInAt: string }

const COOKIE = 'sid'
const TTL_SECONDS = 7 * 24 * 3600
// Data under a session key that the store did not write is "no session" (reported to onError,
// default a process warning), never a crashed page.
const sessions = new SessionStore<Session>(redis, { prefix: 'app:session:', ttlSeconds: TTL_SECONDS })

const cookieOptions = {
  httpOnly: true,
  sameSite: 'lax',
  secure: process.env.NODE_ENV === 'production',
  path: '/',
  maxAge: TTL_SECONDS,
} as const

/** The current session, or null. Reading it renews its expiry (sliding). */
export async function currentSession(): Promise<Session | null> {
  const id = (await cookies()).get(COOKIE)?.value
  return id ? sessions.get(id) : null
}

/**
 * Logs `user` in. A session the browser already has is rotated: it moves to a new id and the old
 * id dies, so an id planted in the browser before login (session fixation) is worthless after it.
 * Without one, a new session is created.
 */
export async function startSession(user: string) {
  const jar = await cookies()
  const data: Session = { user, loggedInAt: new Date().toISOString() }
  const previous = jar.get(COOKIE)?.value
  const id =
    (previous ? await sessions.rotate(previous, { data, userId: user }) : null) ??
    (await sessions.create(data, { userId: user }))
  jar.set(COOKIE, id, cookieOptions)
}

/** Logs this browser out: its session is destroyed, not only its cookie. */
export async function endSession() {
  const jar = await cookies()
  const id = jar.get(COOKIE)?.value
  if (id) await sessions.destroy(id)
  jar.delete(COOKIE)
}

/** Logs the current user out on every browser (each session was created or rotated with its userId). */
export async function endAllSessions() {
  const session = await currentSession()
  if (session) await sessions.destroyUserSessions(session.user)
  ;(await cookies()).delete(COOKIE)
}
