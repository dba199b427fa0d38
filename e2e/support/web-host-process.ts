// A web host as a person runs it: `node --import tsx src/web-host/cli.ts`, in its own
// process, with its own data folder. The link is read from what it prints; stopping it sends
// SIGTERM and expects a clean exit.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const REPO = fileURLToPath(new URL('../../', import.meta.url))
const LINK = /(http:\/\/127\.0\.0\.1:\d+)\/#token=([A-Za-z0-9_-]+)/
const START_LIMIT_MS = 60_000
const STOP_LIMIT_MS = 15_000

export interface WebHostProcess {
  /** The link the host printed: origin plus `#token=…`. */
  readonly openUrl: string
  readonly origin: string
  readonly token: string
  readonly dataDir: string
  /** Everything the process wrote, for a failing test's report. */
  output(): string
  /** SIGTERM, then waits; rejects if the host does not exit cleanly. */
  stop(): Promise<void>
}

/** Without `serverUrl` the host starts its own paracord-server, as `npm run web` does. */
export async function startWebHostProcess(options: {
  readonly dataDir: string
  readonly serverUrl?: string
}): Promise<WebHostProcess> {
  const server = options.serverUrl ? ['--server', options.serverUrl] : []
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/web-host/cli.ts', '--data', options.dataDir, ...server, '--port', '0'],
    { cwd: REPO, env: { ...process.env, PARACORD_DATA: '', PARACORD_SERVER: '' }, stdio: 'pipe' },
  )
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  )

  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`web host did not print its link in time:\n${output}`))
    }, START_LIMIT_MS)
    const check = () => {
      const found = LINK.exec(output)
      if (!found) return
      clearTimeout(timer)
      child.stdout.off('data', check)
      resolve(found)
    }
    child.stdout.on('data', check)
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`web host exited (${code}) before printing its link:\n${output}`))
    })
  })

  return {
    openUrl: match[0],
    origin: match[1] as string,
    token: match[2] as string,
    dataDir: options.dataDir,
    output: () => output,
    stop: () => stop(child, exited, () => output),
  }
}

async function stop(
  child: ChildProcess,
  exited: Promise<number | null>,
  output: () => string,
): Promise<void> {
  if (child.exitCode !== null) throw new Error(`web host had already exited:\n${output()}`)
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_LIMIT_MS)
  const code = await exited
  clearTimeout(timer)
  if (code !== 0) throw new Error(`web host did not shut down cleanly (exit ${code}):\n${output()}`)
}
