// The event loop of the process that holds the client core (on the desktop: the one serving IPC
// and window events) while 1,000 messages are posted through the embedded backend, run the old
// way (startServer in the same process) or the new way (its own process, supervised by
// src/core/backend-process.ts). monitorEventLoopDelay's p99 and max are how long an IPC call or
// a window event could have waited. Every message is sent through the core's API, at a steady
// rate both ways (a busy conversation; as fast as possible the core's own work fills the loop
// and the backend's share disappears in it), and counted when the backend has acknowledged it
// (stored with synchronous=FULL). The loop's utilisation (the share of the time it was busy,
// blocking fsyncs included) and this process's CPU time per message say how much work left it,
// whatever else the machine was doing. The delay histogram samples a 10 ms timer; its values
// are reported as lateness beyond those 10 ms.
// Usage: tsx bench/event-loop.ts in-process|child-process   → one JSON line.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import type { MessageInfo } from '../src/shared/api'
import { startEmbeddedBackend } from '../src/core/backend-process'
import type { EmbeddedBackendAccess } from '../src/core/net/embedded-access'
import { createParacordCore, type ParacordCore } from '../src/core/paracord-core'
import { machine, sleep } from './lib/stats'

const mode = process.argv[2] === 'in-process' ? 'in-process' : 'child-process'
const MESSAGES = Number(process.env.BENCH_LOOP_MESSAGES ?? 1_000)
/** Messages sent per second; below the server's default limit of 1,200 requests a minute. */
const RATE = Number(process.env.BENCH_LOOP_RATE ?? 15)
const WARM_UP = 50
/** A message not acknowledged by then fails the run (instead of hanging it). */
const ACK_TIMEOUT_MS = 60_000
const RESOLUTION_MS = 10

/** Resolves once the backend acknowledged the message (maybe before sendMessage returns). */
async function sendAcknowledged(
  core: ParacordCore,
  serverId: string,
  channelId: string,
  text: string,
): Promise<void> {
  let stop = () => {}
  let timer: NodeJS.Timeout | undefined
  const acknowledged = new Promise<void>((resolve, reject) => {
    stop = core.on('messagesChanged', (event) => {
      if (event.messages.some((m: MessageInfo) => m.text === text && m.delivery === 'sent')) {
        resolve()
      }
    })
    timer = setTimeout(
      () => reject(new Error(`"${text.trim()}" not acknowledged within ${ACK_TIMEOUT_MS} ms`)),
      ACK_TIMEOUT_MS,
    )
  })
  try {
    const message = await core.sendMessage({ serverId, channelId, text })
    if (message.delivery !== 'sent') await acknowledged
  } finally {
    stop()
    clearTimeout(timer)
  }
}

/** Sends `count` messages, each when its turn at RATE per second comes; then waits for all. */
async function sendPaced(
  core: ParacordCore,
  serverId: string,
  channelId: string,
  count: number,
  label: string,
): Promise<void> {
  const started = performance.now()
  const sent: Promise<void>[] = []
  for (let n = 0; n < count; n++) {
    const wait = started + (n * 1000) / RATE - performance.now()
    if (wait > 0) await sleep(wait)
    sent.push(sendAcknowledged(core, serverId, channelId, `${label} ${n} `.padEnd(120, 'x')))
  }
  await Promise.all(sent)
}

/** The backend as local-backend.ts started it before (in this process) and does now. */
async function startBackend(
  dataDir: string,
): Promise<{ url: string; access?: EmbeddedBackendAccess; close(): Promise<void> }> {
  if (mode === 'child-process') return startEmbeddedBackend({ dataDir })
  const { startServer } = await import('../src/server')
  return startServer({
    db: `sqlite:${join(dataDir, 'server.db')}`,
    host: '127.0.0.1',
    port: 0,
    logLevel: 'warn',
  })
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'paracord-loop-bench-'))
  const backendDir = join(dir, 'backend')
  try {
    const backend = await startBackend(backendDir)
    const core = await createParacordCore({
      dataDir: join(dir, 'client'),
      serverUrl: backend.url,
      embeddedBackend: backend.access ?? null,
    })
    try {
      // 2. An account, a server with its general channel, and a warm-up.
      await core.register({ name: 'bench', password: 'correct horse battery staple' })
      const server = await core.createServer({ name: 'Bench' })
      const channelId = server.channels[0]!.id
      await sendPaced(core, server.id, channelId, WARM_UP, 'warm-up')

      // 3. The measured posts.
      const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
      delay.enable()
      const started = performance.now()
      const cpuBefore = process.cpuUsage()
      const eluBefore = performance.eventLoopUtilization()
      await sendPaced(core, server.id, channelId, MESSAGES, 'message')
      const elu = performance.eventLoopUtilization(eluBefore)
      const cpu = process.cpuUsage(cpuBefore)
      const seconds = (performance.now() - started) / 1000
      delay.disable()

      const ms = (ns: number) => Math.round(Math.max(0, ns / 1e6 - RESOLUTION_MS) * 100) / 100
      console.log(
        JSON.stringify({
          bench: 'event-loop',
          backend: mode,
          messages: MESSAGES,
          per_s: RATE,
          seconds: Math.round(seconds * 10) / 10,
          loop_delay_p50_ms: ms(delay.percentile(50)),
          loop_delay_p99_ms: ms(delay.percentile(99)),
          loop_delay_max_ms: ms(delay.max),
          loop_delay_mean_ms: ms(delay.mean),
          loop_utilization: Math.round(elu.utilization * 1000) / 1000,
          cpu_ms_per_message: Math.round((cpu.user + cpu.system) / MESSAGES / 10) / 100,
          machine: await machine(),
        }),
      )
    } finally {
      await core.close()
      await backend.close()
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

await main()
