// Reading what a browser sends over the bridge: every frame is checked against the shape of a
// BridgeCall before anything runs, and every failure becomes a result the page can show.
import type { ApiFailure } from '../shared/api'
import { BRIDGE_NO_ID, type BridgeCall, type BridgeServerMessage } from '../shared/bridge-protocol'

/** The largest frame the bridge reads; the biggest real call (a 4000-character message) is far below. */
export const MAX_BRIDGE_MESSAGE_BYTES = 64 * 1024

export type ParsedFrame =
  | { readonly ok: true; readonly call: BridgeCall }
  | { readonly ok: false; readonly id: number; readonly error: ApiFailure }

const invalid = (id: number, message: string): ParsedFrame => ({
  ok: false,
  id,
  error: { code: 'invalid_input', message },
})

/** Checks the frame's shape; the method name and the input are left to the API dispatcher. */
export function parseBridgeFrame(data: Buffer, isBinary: boolean): ParsedFrame {
  if (isBinary) return invalid(BRIDGE_NO_ID, 'bridge messages are JSON text, not binary')
  if (data.byteLength > MAX_BRIDGE_MESSAGE_BYTES)
    return invalid(BRIDGE_NO_ID, `bridge message larger than ${MAX_BRIDGE_MESSAGE_BYTES} bytes`)

  let value: unknown
  try {
    value = JSON.parse(data.toString('utf8'))
  } catch {
    return invalid(BRIDGE_NO_ID, 'bridge message is not valid JSON')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return invalid(BRIDGE_NO_ID, 'bridge message must be a JSON object')

  const frame = value as Record<string, unknown>
  const id = frame.id
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1)
    return invalid(BRIDGE_NO_ID, 'bridge message needs an "id": a whole number from 1')
  if (frame.type !== 'call') return invalid(id, 'bridge message "type" must be "call"')
  if (typeof frame.method !== 'string') return invalid(id, 'bridge call needs a "method" name')
  const extra = Object.keys(frame).filter((key) => !['type', 'id', 'method', 'input'].includes(key))
  if (extra.length > 0) return invalid(id, `bridge call has unknown fields: ${extra.join(', ')}`)

  return {
    ok: true,
    call: { type: 'call', id, method: frame.method as BridgeCall['method'], input: frame.input },
  }
}

export const failureReply = (id: number, error: ApiFailure): BridgeServerMessage => ({
  type: 'result',
  id,
  result: { ok: false, error },
})
