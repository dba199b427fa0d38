// Schema pieces every route shares.
import { Type } from 'typebox'
import { ErrorBody } from '../../shared/protocol'

/** ErrorBody without its $id, so each route may embed it. */
const Refusal = Type.Object(ErrorBody.properties, { additionalProperties: false })

/** The response of every refusal and failure. */
export const refusals = { '4xx': Refusal, '5xx': Refusal } as const

/** OpenAPI: the route needs `Authorization: Bearer TOKEN`. */
export const bearer = [{ bearer: [] }]
