// The desktop app's local server runs in an Electron utility process (a Node process Electron
// owns and ends with the app), not in this one: this adapts utilityProcess.fork to the
// supervisor in src/core/backend-process.ts. The entry is out/main/embedded-backend.js, built
// from src/server/embedded.ts by electron.vite.config.ts.
import { utilityProcess } from 'electron'
import {
  backendEnvironment,
  type BackendProcess,
  type LaunchBackend,
} from '../core/backend-process'

export function utilityProcessBackend(entry: string): LaunchBackend {
  return (env) => {
    const child = utilityProcess.fork(entry, [], {
      env: backendEnvironment(env),
      stdio: 'pipe',
      serviceName: 'paracord local server',
    })
    // The pid is gone once 'exit' has fired; kill() may still need it after a hung stop.
    let pid: number | undefined
    child.once('spawn', () => (pid = child.pid))
    const exited = new Promise<string>((resolve) =>
      child.once('exit', (code) => {
        pid = undefined
        resolve(`exit code ${code}`)
      }),
    )
    const backend: BackendProcess = {
      get pid() {
        return pid
      },
      send: (command) => {
        // `start` goes out at launch, before 'spawn': Electron queues it until the process
        // listens. A stop for a process not (or no longer) running ends it instead.
        if (command.type === 'stop' && pid === undefined) child.kill()
        else child.postMessage(command)
      },
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => void exited.then(listener),
      onOutput: (listener) => {
        child.stdout?.on('data', (chunk: Buffer) => listener(chunk.toString('utf8')))
        child.stderr?.on('data', (chunk: Buffer) => listener(chunk.toString('utf8')))
      },
      kill: () => {
        // utilityProcess.kill() is SIGTERM, which a hung process may ignore.
        if (pid === undefined) return void child.kill()
        try {
          process.kill(pid, 'SIGKILL')
        } catch {
          child.kill()
        }
      },
    }
    return backend
  }
}
