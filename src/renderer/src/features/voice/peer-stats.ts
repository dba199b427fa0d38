// What a person (and a test) needs from RTCPeerConnection.getStats(): the selected candidate
// pair's types (relay means the media goes through the TURN server), its round trip, and the
// audio bytes each way.
export interface PeerStats {
  readonly localCandidateType: string | null
  readonly remoteCandidateType: string | null
  readonly roundTripMs: number | null
  readonly bytesReceived: number
  readonly bytesSent: number
}

type Report = Readonly<Record<string, unknown>>

const text = (value: unknown) => (typeof value === 'string' ? value : null)
const count = (value: unknown) => (typeof value === 'number' && value >= 0 ? value : 0)

export function summariseStats(reports: readonly object[]): PeerStats {
  const all = reports as readonly Report[]
  const byId = new Map(all.map((report) => [text(report.id), report]))
  // The transport names the pair in use; older reports mark it `selected` instead.
  const pairId = all.map((r) => (r.type === 'transport' ? text(r.selectedCandidatePairId) : null))
  const pair =
    byId.get(pairId.find((id) => id !== null) ?? null) ??
    all.find((r) => r.type === 'candidate-pair' && r.selected === true) ??
    all.find((r) => r.type === 'candidate-pair' && r.nominated === true && r.state === 'succeeded')
  const local = pair ? byId.get(text(pair.localCandidateId)) : undefined
  const remote = pair ? byId.get(text(pair.remoteCandidateId)) : undefined
  const rtt = pair?.currentRoundTripTime
  const audio = (type: string) => all.filter((r) => r.type === type && r.kind === 'audio')
  return {
    localCandidateType: text(local?.candidateType),
    remoteCandidateType: text(remote?.candidateType),
    roundTripMs: typeof rtt === 'number' ? Math.round(rtt * 1000) : null,
    bytesReceived: audio('inbound-rtp').reduce((sum, r) => sum + count(r.bytesReceived), 0),
    bytesSent: audio('outbound-rtp').reduce((sum, r) => sum + count(r.bytesSent), 0),
  }
}

/** Words for the connection: how it goes and how good it is. */
export function describeRoute(stats: PeerStats | null): string {
  if (!stats?.localCandidateType) return ''
  const route =
    stats.localCandidateType === 'relay' || stats.remoteCandidateType === 'relay'
      ? 'relayed'
      : 'direct'
  return stats.roundTripMs === null ? route : `${route}, ${stats.roundTripMs} ms`
}
