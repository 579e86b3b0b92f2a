'use strict'
// scripts/prepare.js installs a missing redis-server only where that needs no question. The
// decision is a pure function of the platform facts; each branch is checked here, and no test
// ever runs an installer.
const { redisInstallPlan, installFacts } = require('../lib/internal/redis-server')

const LINUX_ROOT_DEBIAN = { platform: 'linux', isRoot: true, hasAptGet: true, debianLike: true, hasBrew: false }
const commands = (plan) => plan.steps.map((s) => [s.command, ...s.args].join(' '))

describe('redisInstallPlan', () => {
  test('root on Debian/Ubuntu with apt-get: apt-get update, then a non-interactive install, said out loud', () => {
    const plan = redisInstallPlan(LINUX_ROOT_DEBIAN)
    expect(commands(plan)).toEqual(['apt-get update', 'apt-get install -y --no-install-recommends redis-server'])
    for (const step of plan.steps) expect(step.env).toEqual({ DEBIAN_FRONTEND: 'noninteractive' })
    expect(plan.says).toMatch(/installing redis-server with apt-get/)
    expect(plan.manual).toBeUndefined()
  })

  test('Homebrew present (macOS, or Linux without root): brew install redis', () => {
    for (const facts of [
      { platform: 'darwin', isRoot: false, hasAptGet: false, debianLike: false, hasBrew: true },
      { ...LINUX_ROOT_DEBIAN, isRoot: false, hasBrew: true },
    ]) {
      const plan = redisInstallPlan(facts)
      expect(commands(plan)).toEqual(['brew install redis'])
      expect(plan.says).toMatch(/Homebrew/)
    }
  })

  test('apt-get wins over Homebrew when running as root on Debian', () => {
    expect(commands(redisInstallPlan({ ...LINUX_ROOT_DEBIAN, hasBrew: true }))[0]).toBe('apt-get update')
  })

  test('Debian without root: nothing is run (sudo would ask), and the message says why', () => {
    const plan = redisInstallPlan({ ...LINUX_ROOT_DEBIAN, isRoot: false })
    expect(plan.steps).toEqual([])
    expect(plan.manual).toMatch(/redis-server was not found on PATH.*apt-get install redis-server.*needs root/)
  })

  test.each([
    ['apt-get on a distribution that is not Debian-like', { ...LINUX_ROOT_DEBIAN, debianLike: false }],
    ['root without apt-get', { ...LINUX_ROOT_DEBIAN, hasAptGet: false }],
    [
      'macOS without Homebrew',
      { platform: 'darwin', isRoot: false, hasAptGet: false, debianLike: false, hasBrew: false },
    ],
    ['Windows', { platform: 'win32', isRoot: false, hasAptGet: false, debianLike: false, hasBrew: false }],
    [
      'Windows with a brew on PATH',
      { platform: 'win32', isRoot: false, hasAptGet: false, debianLike: false, hasBrew: true },
    ],
  ])("%s: nothing is run, today's clear message", (_, facts) => {
    const plan = redisInstallPlan(facts)
    expect(plan.steps).toEqual([])
    expect(plan.manual).toMatch(/^redis-server was not found on PATH\. Install it: .*brew install redis/)
    expect(plan.manual).not.toMatch(/needs root/)
  })
})

test('installFacts reads this machine into the shape the plan takes (and runs nothing)', () => {
  const facts = installFacts()
  expect(facts).toEqual({
    platform: process.platform,
    isRoot: expect.any(Boolean),
    hasAptGet: expect.any(Boolean),
    debianLike: expect.any(Boolean),
    hasBrew: expect.any(Boolean),
  })
})
