// The client's network layer: typed HTTP calls to the blind store and the live connection.
export * from './errors'
export { StoreClient, type StoreClientOptions } from './http-client'
export {
  LiveConnection,
  liveUrl,
  type LiveConnectionOptions,
  type LiveEvents,
  type LiveState,
  type LiveSubscription,
  type Timers,
} from './live-connection'
export { backoffDelay, backoffCeiling, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff'
export { parseServerUrl, ServerUrlError } from './server-url'
