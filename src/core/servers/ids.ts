// Random ids: 16 random bytes, base64url (22 characters), for servers, channels and shards.
import { toBase64Url } from '../../shared/encoding'
import { readySodium } from '../crypto'

export const ID_BYTES = 16

export function randomId(): string {
  return toBase64Url(readySodium().randombytes_buf(ID_BYTES))
}
