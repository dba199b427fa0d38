import { describe, expect, it } from 'vitest'
import { describeRoute, summariseStats } from './peer-stats'

const reports = [
  { id: 'T1', type: 'transport', selectedCandidatePairId: 'P2' },
  { id: 'P1', type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R1' },
  {
    id: 'P2',
    type: 'candidate-pair',
    localCandidateId: 'L2',
    remoteCandidateId: 'R2',
    currentRoundTripTime: 0.0234,
  },
  { id: 'L1', type: 'local-candidate', candidateType: 'host' },
  { id: 'L2', type: 'local-candidate', candidateType: 'relay' },
  { id: 'R1', type: 'remote-candidate', candidateType: 'host' },
  { id: 'R2', type: 'remote-candidate', candidateType: 'relay' },
  { id: 'I1', type: 'inbound-rtp', kind: 'audio', bytesReceived: 1200 },
  { id: 'O1', type: 'outbound-rtp', kind: 'audio', bytesSent: 900 },
  { id: 'V1', type: 'inbound-rtp', kind: 'video', bytesReceived: 99_999 },
]

describe('summariseStats', () => {
  it('reads the pair the transport selected, and audio bytes each way', () => {
    expect(summariseStats(reports)).toEqual({
      localCandidateType: 'relay',
      remoteCandidateType: 'relay',
      roundTripMs: 23,
      bytesReceived: 1200,
      bytesSent: 900,
    })
  })

  it('knows nothing yet before a pair is chosen', () => {
    const early = summariseStats([{ id: 'P1', type: 'candidate-pair', state: 'in-progress' }])
    expect(early).toMatchObject({ localCandidateType: null, bytesReceived: 0 })
    expect(describeRoute(early)).toBe('')
  })

  it('says whether the call is relayed and how quick it is', () => {
    expect(describeRoute(summariseStats(reports))).toBe('relayed, 23 ms')
  })
})
