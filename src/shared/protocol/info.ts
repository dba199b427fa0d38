// Which protocol a server speaks, so a client can refuse one it cannot talk to before it sends
// anything of an account (a salt request, a login): GET /info.
import { Type, type Static } from 'typebox'

/**
 * The version of the protocol this code speaks (docs/PROTOCOL.md). Raised on any change that
 * a client or server of the previous version cannot follow; a client uses no server that
 * answers another version.
 */
export const PROTOCOL_VERSION = 2

/**
 * GET /info. Not strict: a later server may add fields, and an older client must still read
 * the two it needs.
 */
export const ServerInfo = Type.Object({
  protocol: Type.Literal('paracord'),
  version: Type.Integer({ minimum: 1 }),
})
export type ServerInfo = Static<typeof ServerInfo>
