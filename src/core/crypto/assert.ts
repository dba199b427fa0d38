import { InvalidInputError } from './errors'

/** Guards every key and nonce length before it reaches libsodium, whose errors are vague. */
export function expectBytes(value: unknown, length: number, what: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new InvalidInputError(`${what} must be a Uint8Array`)
  if (value.length !== length)
    throw new InvalidInputError(`${what} must be ${length} bytes, got ${value.length}`)
  return value
}
