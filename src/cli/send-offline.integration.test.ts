// `paracord send` while the backend is down: the message is queued in the outbox on disk, the
// command says so with exit code 75, and the next command run with the profile delivers it —
// once, as another member reading from the backend sees.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliUser, jsonLines, startTestBackend, type TestBackend } from './test-cli'

let backend: TestBackend
let alice: ReturnType<typeof cliUser>
let bob: ReturnType<typeof cliUser>

beforeAll(async () => {
  backend = await startTestBackend('paracord-cli-offline-')
  alice = cliUser(backend, 'alice', 'correct horse battery')
  bob = cliUser(backend, 'bob', 'staple of the realm')
}, 60_000)

afterAll(async () => {
  await backend?.dispose()
})

async function succeeds(user: ReturnType<typeof cliUser>, args: string[]): Promise<string> {
  const result = await user.run(args)
  expect(result.stderr).toBe('')
  expect(result.code).toBe(0)
  return result.stdout
}

describe('paracord send without a backend', { timeout: 240_000 }, () => {
  it('queues the message, says so, and a later command delivers it exactly once', async () => {
    await succeeds(alice, ['register', 'alice'])
    await succeeds(alice, ['server', 'create', 'Home'])
    const [invite] = jsonLines(await succeeds(alice, ['--json', 'invite', 'create', 'Home']))
    await succeeds(bob, ['register', 'bob'])
    await succeeds(bob, ['join', '--', String(invite!.code)])

    await backend.stop()
    const queued = await alice.run(['send', 'Home/general', 'written while the backend was down'])
    expect(queued.stderr).toBe(
      'paracord: queued; will be delivered when the server is reachable ' +
        '(by the next paracord command or daemon with this profile)\n',
    )
    expect(queued.stdout).toMatch(/alice: written while the backend was down {2}\(not sent yet, /)
    expect(queued.code).toBe(75)

    await backend.restart()
    // Any command catches up first, and catching up includes emptying the outbox.
    expect(await succeeds(alice, ['servers'])).toMatch(/^Home +owner/m)
    const texts = async (user: ReturnType<typeof cliUser>) =>
      jsonLines(await succeeds(user, ['--json', 'read', 'Home/general'])).map((m) => m.text)
    expect(await texts(bob)).toEqual(['written while the backend was down'])
    expect(await texts(alice)).toEqual(['written while the backend was down'])
  })
})
