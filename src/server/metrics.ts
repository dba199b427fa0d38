// Prometheus metrics on the app's own Registry, so several servers in one process (tests, an
// embedding host) never share or clash over counters.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client'

export interface ServerMetrics {
  readonly registry: Registry
  readonly httpRequests: Counter<'method' | 'route' | 'status'>
  readonly httpErrors: Counter<'error'>
  readonly wsConnections: Gauge
  readonly wsSlowConsumers: Counter
  readonly wsRefused: Counter<'reason'>
  readonly streamRings: Gauge
  readonly shardsStored: Counter
  readonly shardsBurned: Counter
  readonly sweeps: Counter
}

export function createMetrics(): ServerMetrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const registers = [registry]
  return {
    registry,
    httpRequests: new Counter({
      name: 'paracord_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    }),
    httpErrors: new Counter({
      name: 'paracord_http_errors_total',
      help: 'HTTP refusals and failures, by error code',
      labelNames: ['error'],
      registers,
    }),
    wsConnections: new Gauge({
      name: 'paracord_ws_connections',
      help: 'Open WebSocket connections',
      registers,
    }),
    wsSlowConsumers: new Counter({
      name: 'paracord_ws_slow_consumers_total',
      help: 'WebSockets closed because they did not read fast enough',
      registers,
    }),
    wsRefused: new Counter({
      name: 'paracord_ws_refused_total',
      help: 'WebSockets turned away or closed by a cap, by which cap',
      labelNames: ['reason'],
      registers,
    }),
    streamRings: new Gauge({
      name: 'paracord_stream_rings',
      help: 'Streams whose recent shards are held in memory for live delivery',
      registers,
    }),
    shardsStored: new Counter({
      name: 'paracord_shards_stored_total',
      help: 'Shards stored (duplicates of an earlier post not counted)',
      registers,
    }),
    shardsBurned: new Counter({
      name: 'paracord_shards_burned_total',
      help: 'Shards physically deleted at their burn time',
      registers,
    }),
    sweeps: new Counter({
      name: 'paracord_sweeps_total',
      help: 'Burn and expiry sweeps run',
      registers,
    }),
  }
}
