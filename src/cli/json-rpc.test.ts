import { describe, expect, it } from 'vitest'
import {
  RPC_INVALID_REQUEST,
  RPC_PARSE_ERROR,
  RpcError,
  errorResponse,
  parseLine,
  resultResponse,
} from './json-rpc'

describe('parseLine', () => {
  it('reads a request, a notification and a batch', () => {
    expect(parseLine('{"jsonrpc":"2.0","id":7,"method":"send","params":{"text":"hi"}}')).toEqual({
      batch: false,
      entry: { id: 7, method: 'send', params: { text: 'hi' } },
    })
    expect(parseLine('{"jsonrpc":"2.0","method":"servers"}')).toEqual({
      batch: false,
      entry: { id: undefined, method: 'servers', params: undefined },
    })
    const batch = parseLine('[{"jsonrpc":"2.0","id":"a","method":"servers"},{"jsonrpc":"2.0"}]')
    expect(batch).toMatchObject({
      batch: true,
      entries: [
        { id: 'a', method: 'servers' },
        { id: null, error: { code: RPC_INVALID_REQUEST } },
      ],
    })
  })

  it('answers a line that is not JSON with a parse error', () => {
    expect(parseLine('send hello')).toEqual({
      batch: false,
      entry: {
        jsonrpc: '2.0',
        id: null,
        error: { code: RPC_PARSE_ERROR, message: 'not JSON: send one JSON-RPC request per line' },
      },
    })
  })

  it.each([
    ['"hello"', null, 'a request is a JSON object'],
    ['[]', null, 'an empty batch'],
    ['{"jsonrpc":"2.0","id":{},"method":"x"}', null, '"id" must be a string, a number or null'],
    ['{"id":3,"method":"servers"}', 3, '"jsonrpc" must be "2.0"'],
    ['{"jsonrpc":"2.0","id":4}', 4, '"method" must be a non-empty string'],
    [
      '{"jsonrpc":"2.0","id":5,"method":"send","params":"hi"}',
      5,
      '"params" must be an object or an array',
    ],
  ])('refuses %s as an invalid request', (line, id, message) => {
    expect(parseLine(line)).toEqual({
      batch: false,
      entry: { jsonrpc: '2.0', id, error: { code: RPC_INVALID_REQUEST, message } },
    })
  })
})

describe('responses', () => {
  it('always carries a result, null for a method that returns nothing', () => {
    expect(resultResponse(1, undefined)).toEqual({ jsonrpc: '2.0', id: 1, result: null })
  })

  it('carries the error code, message and data', () => {
    const error = new RpcError(-32001, 'locked', { code: 'locked' })
    expect(errorResponse('x', error)).toEqual({
      jsonrpc: '2.0',
      id: 'x',
      error: { code: -32001, message: 'locked', data: { code: 'locked' } },
    })
  })
})
