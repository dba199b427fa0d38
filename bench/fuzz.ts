// The full fuzz run: 10,000 malformed HTTP requests over every route in /openapi.json and
// 2,000 malformed WebSocket sessions. Usage: tsx bench/fuzz.ts  → one JSON line.
import { fuzzHttp, fuzzWebSocket } from '../src/server/fault/fuzz'
import { startTestServer } from '../src/server/testing/harness'

const HTTP_CASES = Number(process.env.BENCH_FUZZ_HTTP ?? 10_000)
const WS_CASES = Number(process.env.BENCH_FUZZ_WS ?? 2_000)
const seed = Date.now() % 2 ** 31

const server = await startTestServer({ rateLimitPerMinute: 10_000_000 })
try {
  const started = performance.now()
  const http = await fuzzHttp({ baseUrl: server.url, runs: HTTP_CASES, seed })
  const ws = await fuzzWebSocket({ baseUrl: server.url, runs: WS_CASES, seed })
  console.log(
    JSON.stringify({
      bench: 'fuzz',
      seed,
      http_cases: http.cases,
      ws_cases: ws.cases,
      failures: 0,
      seconds: Math.round((performance.now() - started) / 1000),
    }),
  )
} catch (error) {
  console.log(
    JSON.stringify({ bench: 'fuzz', seed, failures: 1, error: String(error).slice(0, 2000) }),
  )
  process.exitCode = 1
} finally {
  await server.dispose()
}
