import { login, logout, logoutEverywhere } from './actions'
import { currentSession } from '@/lib/session'

export const dynamic = 'force-dynamic'

export default async function Home({ searchParams }: { searchParams: Promise<{ error?: string }> }) {
  const session = await currentSession()
  const { error } = await searchParams
  if (session) {
    return (
      <main>
        <p data-testid="status">
          Logged in as <strong data-testid="user">{session.user}</strong> since {session.loggedInAt}
        </p>
        <form action={logout}>
          <button type="submit">Log out</button>
        </form>
        <form action={logoutEverywhere}>
          <button type="submit">Log out everywhere</button>
        </form>
      </main>
    )
  }
  return (
    <main>
      <p data-testid="status">Not logged in</p>
      {error ? <p role="alert">Names are 1–32 letters, digits, - or _.</p> : null}
      <form action={login}>
        <label>
          Name <input name="user" required />
        </label>{' '}
        <button type="submit">Log in</button>
      </form>
    </main>
  )
}
