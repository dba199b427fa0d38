export { PeerDirectory, type KeyChange, type PeerDirectoryOptions } from './peer-directory'
