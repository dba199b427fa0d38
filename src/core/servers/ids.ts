// Random ids: 16 random bytes, base64url (22 characters), for servers, channels and shards.
// None starts with "-": ids are shown to people and typed on command lines (`paracord channels
// ID`), where such a word reads as an option. Drawing again costs 1/64 of the id space.
import { toBase64Url } from '../../shared/encoding'
import { readySodium } from '../crypto'

export const ID_BYTES = 16

export function randomId(): string {
  for (;;) {
    const id = toBase64Url(readySodium().randombytes_buf(ID_BYTES))
    if (!id.startsWith('-')) return id
  }
}
