import { Type, type Static } from 'typebox'

/** Every refusal, HTTP or WebSocket, carries one of these stable codes. */
export const ERROR_CODES = [
  'bad_request',
  'unauthorized',
  /** The embedded backend only: a request without its host's secret, or for a foreign Host. */
  'embedded_access_denied',
  'invalid_credentials',
  'invalid_signature',
  'forbidden',
  'not_found',
  'already_exists',
  'version_conflict',
  'id_conflict',
  'expired',
  'burn_out_of_policy',
  'payload_too_large',
  'rate_limited',
  'unavailable',
  'internal',
] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

export const ErrorBody = Type.Object(
  {
    error: Type.Enum(ERROR_CODES),
    message: Type.String(),
    /** With version_conflict: the version the server holds now. */
    currentVersion: Type.Optional(Type.Integer()),
  },
  { $id: 'ErrorBody' },
)
export type ErrorBody = Static<typeof ErrorBody>
