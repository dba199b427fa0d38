// A TURN client as a browser's RTCPeerConnection uses a relay (RFC 8656 over UDP): allocate
// with the long-term credential from GET /v1/turn, permit a peer, and send it a datagram
// through the relay. Tests use it to prove that handed-out credentials open a working relay.
import {
  attribute,
  decodeXorAddress,
  encodeXorAddress,
  errorCode,
  longTermKey,
  newTransactionId,
  STUN_ATTRIBUTE,
  STUN_CLASS,
  STUN_METHOD,
  StunClient,
  stunType,
  type StunAttribute,
  type StunMessage,
  type TransportAddress,
} from './stun'

export interface TurnLogin {
  readonly username: string
  readonly credential: string
}

export type AllocationResult =
  | { readonly ok: true; readonly relayed: TransportAddress; readonly allocation: Allocation }
  | { readonly ok: false; readonly code: number | null }

/** `turn:HOST:PORT?transport=udp` → its address. */
export function turnUrlAddress(url: string): TransportAddress {
  const match = /^turns?:(\[[^\]]+\]|[^:?]+):(\d+)/.exec(url)
  if (!match) throw new Error(`not a TURN URL with a port: ${url}`)
  return { address: match[1]!.replace(/^\[|\]$/g, ''), port: Number(match[2]) }
}

const UDP = Buffer.from([17, 0, 0, 0])
const text = (type: number, value: string): StunAttribute => ({ type, value: Buffer.from(value) })

/** Asks the relay at `server` for a UDP allocation: a 401 challenge, then the signed request. */
export async function allocate(server: TransportAddress, login: TurnLogin) {
  const client = new StunClient(server)
  try {
    const request = (attributes: StunAttribute[]): StunMessage => ({
      type: stunType(STUN_METHOD.allocate, STUN_CLASS.request),
      transactionId: newTransactionId(),
      attributes,
    })
    const transport = { type: STUN_ATTRIBUTE.requestedTransport, value: UDP }
    const challenge = await client.request(request([transport]))
    const realm = attribute(challenge, STUN_ATTRIBUTE.realm)?.toString()
    const nonce = attribute(challenge, STUN_ATTRIBUTE.nonce)?.toString()
    if (errorCode(challenge) !== 401 || realm === undefined || nonce === undefined)
      throw new Error(`expected a 401 challenge, got type 0x${challenge.type.toString(16)}`)
    const key = longTermKey(login.username, realm, login.credential)
    const signed = { username: login.username, realm, nonce, key }
    const answer = await client.request(request([transport, ...credentials(signed)]), {
      integrityKey: key,
    })
    if (answer.type !== stunType(STUN_METHOD.allocate, STUN_CLASS.success)) {
      client.close()
      return { ok: false, code: errorCode(answer) } satisfies AllocationResult
    }
    const relayedValue = attribute(answer, STUN_ATTRIBUTE.xorRelayedAddress)
    if (!relayedValue) throw new Error('the allocation names no relayed address')
    const relayed = decodeXorAddress(relayedValue, answer.transactionId)
    return { ok: true, relayed, allocation: new Allocation(client, signed) } as AllocationResult
  } catch (error) {
    client.close()
    throw error
  }
}

interface Signed {
  readonly username: string
  readonly realm: string
  readonly nonce: string
  readonly key: Buffer
}

const credentials = (signed: Signed) => [
  text(STUN_ATTRIBUTE.username, signed.username),
  text(STUN_ATTRIBUTE.realm, signed.realm),
  text(STUN_ATTRIBUTE.nonce, signed.nonce),
]

/** A granted allocation: permit peers, send them data through the relay, release it. */
export class Allocation {
  constructor(
    private readonly client: StunClient,
    private readonly signed: Signed,
  ) {}

  async permit(peer: TransportAddress): Promise<void> {
    const transactionId = newTransactionId()
    const answer = await this.client.request(
      {
        type: stunType(STUN_METHOD.createPermission, STUN_CLASS.request),
        transactionId,
        attributes: [
          {
            type: STUN_ATTRIBUTE.xorPeerAddress,
            value: encodeXorAddress(peer, transactionId),
          },
          ...credentials(this.signed),
        ],
      },
      { integrityKey: this.signed.key },
    )
    if (answer.type !== stunType(STUN_METHOD.createPermission, STUN_CLASS.success))
      throw new Error(`permission refused (${String(errorCode(answer))})`)
  }

  /** A Send indication: the relay forwards `data` to `peer` from the relayed address. */
  send(peer: TransportAddress, data: Buffer): Promise<void> {
    const transactionId = newTransactionId()
    return this.client.send({
      type: stunType(STUN_METHOD.send, STUN_CLASS.indication),
      transactionId,
      attributes: [
        { type: STUN_ATTRIBUTE.xorPeerAddress, value: encodeXorAddress(peer, transactionId) },
        { type: STUN_ATTRIBUTE.data, value: data },
      ],
    })
  }

  /** Ends the allocation (a refresh with lifetime 0) and closes the socket. */
  async release(): Promise<void> {
    try {
      await this.client.request(
        {
          type: stunType(STUN_METHOD.refresh, STUN_CLASS.request),
          transactionId: newTransactionId(),
          attributes: [
            { type: STUN_ATTRIBUTE.lifetime, value: Buffer.alloc(4) },
            ...credentials(this.signed),
          ],
        },
        { integrityKey: this.signed.key },
      )
    } finally {
      this.client.close()
    }
  }
}
