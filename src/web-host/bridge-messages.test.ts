import { describe, expect, it } from 'vitest'
import { BRIDGE_NO_ID } from '../shared/bridge-protocol'
import { MAX_BRIDGE_MESSAGE_BYTES, parseBridgeFrame } from './bridge-messages'

const text = (value: unknown) =>
  parseBridgeFrame(Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)), false)

describe('bridge frames', () => {
  it('accepts a well-formed call', () => {
    expect(text({ type: 'call', id: 7, method: 'getAuthState', input: {} })).toEqual({
      ok: true,
      call: { type: 'call', id: 7, method: 'getAuthState', input: {} },
    })
  })

  it.each([
    ['not JSON', '{"type":', BRIDGE_NO_ID, /not valid JSON/],
    ['an array', [1, 2], BRIDGE_NO_ID, /JSON object/],
    ['null', 'null', BRIDGE_NO_ID, /JSON object/],
    ['no id', { type: 'call', method: 'lock', input: {} }, BRIDGE_NO_ID, /"id"/],
    ['a zero id', { type: 'call', id: 0, method: 'lock', input: {} }, BRIDGE_NO_ID, /"id"/],
    ['a fractional id', { type: 'call', id: 1.5, method: 'lock' }, BRIDGE_NO_ID, /"id"/],
    ['a string id', { type: 'call', id: '3', method: 'lock' }, BRIDGE_NO_ID, /"id"/],
    ['a wrong type', { type: 'event', id: 3, method: 'lock' }, 3, /"type"/],
    ['no method', { type: 'call', id: 4, input: {} }, 4, /"method"/],
    ['a numeric method', { type: 'call', id: 5, method: 12 }, 5, /"method"/],
    ['extra fields', { type: 'call', id: 6, method: 'lock', input: {}, as: 'admin' }, 6, /as/],
  ])('refuses %s with a clear error', (_, frame, id, message) => {
    const parsed = text(frame)
    expect(parsed.ok).toBe(false)
    if (parsed.ok) return
    expect(parsed.id).toBe(id)
    expect(parsed.error.code).toBe('invalid_input')
    expect(parsed.error.message).toMatch(message)
  })

  it('refuses binary frames and frames over the size limit', () => {
    expect(parseBridgeFrame(Buffer.from('{}'), true)).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringMatching(/binary/) as unknown },
    })
    const big = JSON.stringify({
      type: 'call',
      id: 1,
      method: 'sendMessage',
      input: { text: 'x'.repeat(MAX_BRIDGE_MESSAGE_BYTES) },
    })
    expect(text(big)).toMatchObject({
      ok: false,
      id: BRIDGE_NO_ID,
      error: { code: 'invalid_input', message: expect.stringMatching(/larger than/) as unknown },
    })
  })
})
