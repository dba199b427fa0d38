// `paracord daemon` against a real backend: JSON-RPC on stdin/stdout of the compiled binary,
// unlocked once, answering sends, reads and bad requests, and stopping cleanly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  cliUser,
  finished,
  rpcClient,
  startTestBackend,
  type RpcAnswer,
  type TestBackend,
} from './test-cli'

const PASSWORD = 'correct horse battery'
let backend: TestBackend
let alice: ReturnType<typeof cliUser>

beforeAll(async () => {
  backend = await startTestBackend('paracord-daemon-')
  alice = cliUser(backend, 'alice', PASSWORD)
  for (const args of [
    ['register', 'alice'],
    ['server', 'create', 'Home'],
  ]) {
    const result = await alice.run(args)
    expect(result.stderr).toBe('')
  }
}, 120_000)

afterAll(async () => {
  await backend?.dispose()
})

function result<T>(answer: RpcAnswer): T {
  expect(answer.error).toBeUndefined()
  return answer.result as T
}

describe('paracord daemon', { timeout: 180_000 }, () => {
  it('sends and reads over one unlocked session, and answers bad requests with clear errors', async () => {
    const child = alice.start(['daemon'])
    const done = finished(child)
    const rpc = rpcClient(child)
    await rpc.notified('ready')

    const sent = result<{ text: string; delivery: string }>(
      await rpc.call('send', { server: 'Home', channel: 'general', text: 'through the daemon' }),
    )
    expect(sent).toMatchObject({ text: 'through the daemon', delivery: 'sent' })
    const second = await rpc.call('send', { server: 'home', channel: 'general', text: 'and again' })
    expect(result<{ delivery: string }>(second).delivery).toBe('sent')

    const read = result<{ text: string; authorName: string }[]>(
      await rpc.call('read', { server: 'Home', channel: 'general', limit: 5 }),
    )
    expect(read.map((m) => m.text)).toEqual(['through the daemon', 'and again'])
    expect(read[0]!.authorName).toBe('alice')
    // The app's own API methods are there too, with ids.
    const servers = result<{ id: string; name: string }[]>(await rpc.call('listServers', {}))
    expect(servers.map((s) => s.name)).toEqual(['Home'])

    const unknown = (await rpc.call('frobnicate')).error
    expect(unknown?.code).toBe(-32601)
    expect(unknown?.message).toMatch(/^unknown method "frobnicate" \(the daemon's methods: /)
    expect((await rpc.call('send', { server: 'Home', text: 'where to?' })).error).toEqual({
      code: -32602,
      message: 'send: params must have required properties channel',
    })
    expect((await rpc.call('read', ['Home', 'general'])).error).toEqual({
      code: -32602,
      message: 'read: params must be an object (by name)',
    })
    expect(
      (await rpc.call('send', { server: 'Home', channel: 'general', text: 'x'.repeat(4001) }))
        .error,
    ).toMatchObject({ code: -32602, data: { code: 'invalid_input' } })
    expect(
      (await rpc.call('send', { server: 'Elsewhere', channel: 'general', text: 'hi' })).error,
    ).toEqual({
      code: -32000,
      message: 'no server named "Elsewhere" (known: Home)',
      data: { code: 'not_found' },
    })
    expect((await rpc.call('logout', {})).error).toMatchObject({ code: -32601 })
    rpc.write('send hello')
    expect(JSON.parse(await rpc.reader.until((l) => l.includes('-32700')))).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32700, message: 'not JSON: send one JSON-RPC request per line' },
    })

    // The end of stdin stops it, cleanly.
    child.stdin.end()
    const exit = await done
    expect(exit.stderr).toBe('')
    expect(exit.code).toBe(0)
    // What it sent is on the backend: a one-shot command reads it after its own catch-up.
    const oneShot = await alice.run(['--json', 'read', 'Home/general'])
    expect(oneShot.stdout).toContain('"text":"and again"')
  })

  it('starts locked without a password, says so for each call, and unlocks when asked', async () => {
    const child = alice.start(['daemon'], { password: null })
    const done = finished(child)
    const rpc = rpcClient(child)
    expect((await rpc.notified('locked')).params).toMatchObject({ status: 'locked', name: 'alice' })

    expect((await rpc.call('servers')).error).toEqual({
      code: -32001,
      message: 'the profile is locked: call "unlock" with its password',
      data: { code: 'locked' },
    })
    expect((await rpc.call('unlock', { password: 'not the password' })).error).toEqual({
      code: -32000,
      message: 'wrong password',
      data: { code: 'wrong_password' },
    })
    expect((await rpc.call('unlock', {})).error).toMatchObject({ code: -32602 })
    expect(result(await rpc.call('unlock', { password: PASSWORD }))).toMatchObject({
      status: 'unlocked',
    })
    await rpc.notified('ready')
    expect(result<{ name: string }[]>(await rpc.call('servers')).map((s) => s.name)).toEqual([
      'Home',
    ])

    child.kill('SIGTERM')
    const exit = await done
    expect(exit.stderr).toBe('')
    expect(exit.code).toBe(0)
  })

  it('queues a send while the backend is down and says when it went out', async () => {
    const child = alice.start(['daemon'])
    const done = finished(child)
    const rpc = rpcClient(child)
    await rpc.notified('ready')

    await backend.stop()
    await rpc.reader.until((line) => line.includes('"status":"offline"'))
    const queued = result<{ id: string; delivery: string }>(
      await rpc.call('send', { server: 'Home', channel: 'general', text: 'while it was down' }),
    )
    expect(queued.delivery).toBe('pending')

    await backend.restart()
    const sent = await rpc.reader.until((line) => line.includes('"method":"sent"'))
    expect(JSON.parse(sent)).toMatchObject({
      method: 'sent',
      params: { id: queued.id, text: 'while it was down', delivery: 'sent' },
    })

    child.stdin.end()
    expect((await done).code).toBe(0)
  })
})
