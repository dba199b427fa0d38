// The browser bundle of simple-peer (self-contained, no Node polyfills), typed with only what
// the call uses and without @types/simple-peer, which pulls Node's types into the renderer.
declare module 'simple-peer/simplepeer.min.js' {
  export interface SignalData {
    readonly type?: string
    readonly sdp?: string
    readonly candidate?: RTCIceCandidateInit
    readonly renegotiate?: boolean
    readonly transceiverRequest?: unknown
  }

  export interface PeerOptions {
    readonly initiator?: boolean
    readonly stream?: MediaStream
    readonly trickle?: boolean
    readonly config?: RTCConfiguration
  }

  export interface PeerInstance {
    readonly destroyed: boolean
    signal(data: SignalData): void
    destroy(error?: Error): void
    replaceTrack(
      oldTrack: MediaStreamTrack,
      newTrack: MediaStreamTrack | null,
      stream: MediaStream,
    ): void
    getStats(callback: (error: Error | null, reports: readonly object[]) => void): void
    on(event: 'signal', listener: (data: SignalData) => void): this
    on(event: 'stream', listener: (stream: MediaStream) => void): this
    on(event: 'connect' | 'close', listener: () => void): this
    on(event: 'error', listener: (error: Error & { readonly code?: string }) => void): this
    on(
      event: 'iceStateChange',
      listener: (ice: RTCIceConnectionState, gathering: RTCIceGatheringState) => void,
    ): this
  }

  const SimplePeer: new (options?: PeerOptions) => PeerInstance
  export default SimplePeer
}
