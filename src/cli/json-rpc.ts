// JSON-RPC 2.0 (https://www.jsonrpc.org/specification) as `paracord daemon` speaks it: one
// request, notification or batch per line in; one response (or batch of them) per line out,
// plus the daemon's own notifications. Pure: parsing and the shapes of what goes out.

export type RpcId = string | number | null

/** A well-formed call; `id` undefined is a notification (answered with nothing). */
export interface RpcCall {
  readonly id: RpcId | undefined
  readonly method: string
  readonly params: unknown
}

export const RPC_PARSE_ERROR = -32700
export const RPC_INVALID_REQUEST = -32600
export const RPC_METHOD_NOT_FOUND = -32601
export const RPC_INVALID_PARAMS = -32602
export const RPC_INTERNAL_ERROR = -32603
/** Any failure of a method that is not one of the codes below; `data.code` says which. */
export const RPC_FAILED = -32000
/** The profile is locked: call "unlock" with the password. */
export const RPC_LOCKED = -32001

export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: { readonly code: string },
  ) {
    super(message)
    this.name = 'RpcError'
  }
}

export type RpcResponse =
  | { readonly jsonrpc: '2.0'; readonly id: RpcId; readonly result: unknown }
  | {
      readonly jsonrpc: '2.0'
      readonly id: RpcId
      readonly error: { readonly code: number; readonly message: string; readonly data?: object }
    }

export interface RpcNotification {
  readonly jsonrpc: '2.0'
  readonly method: string
  readonly params: object
}

export function resultResponse(id: RpcId, result: unknown): RpcResponse {
  // A method that returns nothing answers null: "result" must be present.
  return { jsonrpc: '2.0', id, result: result ?? null }
}

export function errorResponse(id: RpcId, error: RpcError): RpcResponse {
  return {
    jsonrpc: '2.0',
    id,
    error: {
      code: error.code,
      message: error.message,
      ...(error.data ? { data: error.data } : {}),
    },
  }
}

export function notification(method: string, params: object): RpcNotification {
  return { jsonrpc: '2.0', method, params }
}

/** One entry of a line: a call to make, or the error response an invalid entry gets. */
export type RpcEntry = RpcCall | RpcResponse

export type ParsedLine =
  | { readonly batch: false; readonly entry: RpcEntry }
  | { readonly batch: true; readonly entries: readonly RpcEntry[] }

export function isCall(entry: RpcEntry): entry is RpcCall {
  return 'method' in entry
}

/** A line of input → what to do with it. Blank lines are for the caller to skip. */
export function parseLine(line: string): ParsedLine {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    const error = new RpcError(RPC_PARSE_ERROR, 'not JSON: send one JSON-RPC request per line')
    return { batch: false, entry: errorResponse(null, error) }
  }
  if (!Array.isArray(value)) return { batch: false, entry: parseEntry(value) }
  if (value.length === 0) {
    const error = new RpcError(RPC_INVALID_REQUEST, 'an empty batch')
    return { batch: false, entry: errorResponse(null, error) }
  }
  return { batch: true, entries: value.map(parseEntry) }
}

function parseEntry(value: unknown): RpcEntry {
  const invalid = (message: string, id: RpcId = null) =>
    errorResponse(id, new RpcError(RPC_INVALID_REQUEST, message))
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return invalid('a request is a JSON object')
  }
  const request = value as Record<string, unknown>
  const id = request.id
  const validId =
    id === undefined || id === null || typeof id === 'string' || typeof id === 'number'
  if (!validId) return invalid('"id" must be a string, a number or null')
  const answerTo = id ?? null
  if (request.jsonrpc !== '2.0') return invalid('"jsonrpc" must be "2.0"', answerTo)
  if (typeof request.method !== 'string' || request.method === '') {
    return invalid('"method" must be a non-empty string', answerTo)
  }
  const params = request.params
  if (params !== undefined && (typeof params !== 'object' || params === null)) {
    return invalid('"params" must be an object or an array', answerTo)
  }
  return { id, method: request.method, params }
}
