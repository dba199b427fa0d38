// `npm run web` and `npm run server` as scripts and people start them: hosts started while the
// interface is being built share that one build, and SIGTERM to npm stops every process it
// started (no node left running behind a shell).
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm, utimes } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RENDERER_DIR } from '../../build/node-build.mjs'
import { waitFor } from '../core/net/test-waiting'

const REPO = fileURLToPath(new URL('../../', import.meta.url))
const LINK = /http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]+/
const START_LIMIT_MS = 90_000
/** Starting hosts through npm and tsx takes a while on a loaded machine. */
const TEST_LIMIT_MS = 3 * START_LIMIT_MS

let dir: string
const started: ChildProcess[] = []
/** Every process seen below one started here: none may outlive the tests, even failing ones. */
const seen = new Set<number>()

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'paracord-scripts-'))
})

afterAll(async () => {
  for (const child of started) if (child.exitCode === null) child.kill('SIGKILL')
  for (const pid of seen) if (alive(pid)) process.kill(pid, 'SIGKILL')
  await rm(dir, { recursive: true, force: true })
})

interface Started {
  readonly child: ChildProcess
  output(): string
  /** Resolves once the output matches `pattern`; rejects if the process exits first. */
  printed(pattern: RegExp): Promise<void>
  readonly exited: Promise<number | null>
}

function start(command: string, args: readonly string[]): Started {
  const child = spawn(command, [...args], {
    cwd: REPO,
    env: { ...process.env, PARACORD_DATA: '', PARACORD_SERVER: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  started.push(child)
  let output = ''
  const listeners = new Set<() => void>()
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8')
    for (const listener of [...listeners]) listener()
  }
  child.stdout.on('data', collect)
  child.stderr.on('data', collect)
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  )
  const printed = (pattern: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(`timed out waiting for ${pattern}`), START_LIMIT_MS)
      const fail = (why: string) => {
        listeners.delete(check)
        clearTimeout(timer)
        reject(new Error(`${why}:\n${output}`))
      }
      const check = () => {
        if (!pattern.test(output)) return
        listeners.delete(check)
        clearTimeout(timer)
        resolve()
      }
      listeners.add(check)
      check()
      void exited.then((code) => fail(`exited (${code}) before printing ${pattern}`))
    })
  return { child, output: () => output, printed, exited }
}

/** Every process below `pid` now, from /proc (Linux). */
async function descendants(pid: number): Promise<number[]> {
  const parents = new Map<number, number[]>()
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => null)
    if (stat === null) continue
    // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
    parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)])
  }
  const found: number[] = []
  const visit = (parent: number) => {
    for (const child of parents.get(parent) ?? []) {
      found.push(child)
      visit(child)
    }
  }
  visit(pid)
  return found
}

const alive = (pid: number) => existsSync(`/proc/${pid}`)

/** SIGTERM to npm alone, as a script or a service manager sends it; then every process is gone. */
async function stopsWholeTree(run: Started): Promise<void> {
  const npm = run.child.pid!
  const tree = await descendants(npm)
  tree.forEach((pid) => seen.add(pid))
  expect(tree.length).toBeGreaterThan(0)
  run.child.kill('SIGTERM')
  await run.exited
  await waitFor(
    () => tree.every((pid) => !alive(pid)),
    `processes ${tree.join(', ')} to end`,
    30_000,
  )
}

describe('npm run web', () => {
  it(
    'lets a second host start while the first builds the interface, sharing that build',
    async () => {
      // Older than any source: the first host to start builds it.
      if (existsSync(join(RENDERER_DIR, 'index.html')))
        await utimes(join(RENDERER_DIR, 'index.html'), 1, 1)
      const host = (name: string) =>
        start('npm', ['run', 'web', '--', '--data', join(dir, name), '--port', '0'])
      const first = host('first')
      // (Or waiting for a build another run started: the second host then comes during that.)
      await first.printed(/building the interface|waiting for another build/)
      const second = host('second')
      await Promise.all([first.printed(LINK), second.printed(LINK)])
      for (const run of [first, second]) {
        expect(run.output()).not.toMatch(/missing|not built|could not/)
        await stopsWholeTree(run)
      }
      expect(existsSync(join(RENDERER_DIR, 'index.html'))).toBe(true)
      const leftovers = (await readdir(join(RENDERER_DIR, '..'))).filter((name) =>
        /^renderer\.(next|old|lock)/.test(name),
      )
      expect(leftovers).toEqual([])
    },
    TEST_LIMIT_MS,
  )

  it(
    'stops the host and its local backend on SIGTERM to npm',
    async () => {
      const run = start('npm', ['run', 'web', '--', '--data', join(dir, 'web'), '--port', '0'])
      await run.printed(LINK)
      await stopsWholeTree(run)
    },
    TEST_LIMIT_MS,
  )
})

describe('npm run server', () => {
  it(
    'stops the server on SIGTERM to npm',
    async () => {
      const db = `sqlite:${join(dir, 'server.db')}`
      const run = start('npm', ['run', 'server', '--', '--port', '0', '--db', db])
      await run.printed(/listening/i)
      await stopsWholeTree(run)
    },
    TEST_LIMIT_MS,
  )
})
