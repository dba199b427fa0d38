// Where a relay that paracord-server runs itself listens: on the backend's own address, which
// is also what clients are told to reach. Pure, so config.ts can refuse a bad one up front.
import { isIP } from 'node:net'

export class RelayAddressError extends Error {}

/** The IP address the managed relay listens and relays on, from the backend's `--host`. */
export function relayAddress(host: string): string {
  if (host === 'localhost') return '127.0.0.1'
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
  if (isIP(bare) === 0)
    throw new RelayAddressError(
      `--turn managed needs --host to be an IP address clients can reach; got "${host}"`,
    )
  if (bare === '0.0.0.0' || /^[0:]+$/.test(bare))
    throw new RelayAddressError(
      `--turn managed needs --host to be one address clients can reach, not "${host}" ` +
        '(which would not say which one); for a public server run coturn yourself ' +
        '(docs/OPERATIONS.md)',
    )
  return bare
}

/** 127.0.0.0/8 and ::1: only there may the relay reach peers on loopback. */
export function isLoopback(ip: string): boolean {
  return ip.startsWith('127.') || ip === '::1' || /^(0{0,4}:){1,7}0{0,3}1$/.test(ip)
}

/** How a URL names the address: IPv6 in brackets. */
export const urlHost = (ip: string) => (ip.includes(':') ? `[${ip}]` : ip)
