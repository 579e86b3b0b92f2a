'use server'
import { redirect } from 'next/navigation'
import { endAllSessions, endSession, startSession } from '@/lib/session'
import { cache, REPORT_TAG } from '@/lib/query'

export async function login(formData: FormData) {
  const user = String(formData.get('user') ?? '').trim()
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(user)) redirect('/?error=name')
  await startSession(user)
  redirect('/')
}

export async function logout() {
  await endSession()
  redirect('/')
}

export async function logoutEverywhere() {
  await endAllSessions()
  redirect('/')
}

export async function refreshReport() {
  await cache.invalidateTags(REPORT_TAG)
  redirect('/cached')
}
