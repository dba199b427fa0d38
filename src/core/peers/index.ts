export {
  PeerDirectory,
  type Observation,
  type KeyChange,
  type PeerDirectoryOptions,
} from './peer-directory'
