// The few STUN/TURN messages (RFC 8489, RFC 8656) paracord itself speaks: a binding request,
// to learn that a relay it started is answering, and what its tests need to ask the relay for
// an allocation with the credentials GET /v1/turn hands out.
import { createHash, createHmac, randomBytes } from 'node:crypto'
import { createSocket, type Socket } from 'node:dgram'
import { isIPv6 } from 'node:net'

const MAGIC_COOKIE = 0x2112a442
const HEADER_BYTES = 20

export const STUN_METHOD = {
  binding: 0x001,
  allocate: 0x003,
  refresh: 0x004,
  send: 0x006,
  createPermission: 0x008,
} as const

export const STUN_CLASS = {
  request: 0x000,
  indication: 0x010,
  success: 0x100,
  error: 0x110,
} as const

export const STUN_ATTRIBUTE = {
  username: 0x0006,
  messageIntegrity: 0x0008,
  errorCode: 0x0009,
  lifetime: 0x000d,
  xorPeerAddress: 0x0012,
  data: 0x0013,
  realm: 0x0014,
  nonce: 0x0015,
  xorRelayedAddress: 0x0016,
  requestedTransport: 0x0019,
  xorMappedAddress: 0x0020,
} as const

export interface StunAttribute {
  readonly type: number
  readonly value: Buffer
}

export interface StunMessage {
  /** Method and class together, as on the wire (e.g. 0x0101: binding success). */
  readonly type: number
  readonly transactionId: Buffer
  readonly attributes: readonly StunAttribute[]
}

export interface TransportAddress {
  readonly address: string
  readonly port: number
}

export const stunType = (method: number, kind: number) => method | kind

/**
 * Encodes a message; with `integrityKey` it ends with MESSAGE-INTEGRITY (HMAC-SHA1 over
 * everything before it, the header's length already counting it).
 */
export function encodeStun(message: StunMessage, integrityKey?: Buffer): Buffer {
  const body = Buffer.concat(message.attributes.map(encodeAttribute))
  const integrityBytes = integrityKey ? 24 : 0
  const header = Buffer.alloc(HEADER_BYTES)
  header.writeUInt16BE(message.type, 0)
  header.writeUInt16BE(body.length + integrityBytes, 2)
  header.writeUInt32BE(MAGIC_COOKIE, 4)
  message.transactionId.copy(header, 8)
  const withoutIntegrity = Buffer.concat([header, body])
  if (!integrityKey) return withoutIntegrity
  const mac = createHmac('sha1', integrityKey).update(withoutIntegrity).digest()
  return Buffer.concat([
    withoutIntegrity,
    encodeAttribute({ type: STUN_ATTRIBUTE.messageIntegrity, value: mac }),
  ])
}

function encodeAttribute({ type, value }: StunAttribute): Buffer {
  const padded = Buffer.alloc(4 + Math.ceil(value.length / 4) * 4)
  padded.writeUInt16BE(type, 0)
  padded.writeUInt16BE(value.length, 2)
  value.copy(padded, 4)
  return padded
}

/** A STUN message, or null for anything else (a relayed datagram, a truncated packet). */
export function decodeStun(packet: Buffer): StunMessage | null {
  if (packet.length < HEADER_BYTES || (packet[0]! & 0xc0) !== 0) return null
  if (packet.readUInt32BE(4) !== MAGIC_COOKIE) return null
  const length = packet.readUInt16BE(2)
  if (length % 4 !== 0 || HEADER_BYTES + length > packet.length) return null
  const attributes: StunAttribute[] = []
  let offset = HEADER_BYTES
  while (offset + 4 <= HEADER_BYTES + length) {
    const type = packet.readUInt16BE(offset)
    const size = packet.readUInt16BE(offset + 2)
    if (offset + 4 + size > HEADER_BYTES + length) return null
    attributes.push({ type, value: packet.subarray(offset + 4, offset + 4 + size) })
    offset += 4 + Math.ceil(size / 4) * 4
  }
  return { type: packet.readUInt16BE(0), transactionId: packet.subarray(8, 20), attributes }
}

export const attribute = (message: StunMessage, type: number) =>
  message.attributes.find((candidate) => candidate.type === type)?.value

export const newTransactionId = () => randomBytes(12)

/** XOR-MAPPED-ADDRESS and its TURN relatives (RFC 8489 section 14.2). */
export function encodeXorAddress(target: TransportAddress, transactionId: Buffer): Buffer {
  const v6 = isIPv6(target.address)
  const value = Buffer.alloc(v6 ? 20 : 8)
  value.writeUInt8(v6 ? 0x02 : 0x01, 1)
  value.writeUInt16BE(target.port ^ (MAGIC_COOKIE >>> 16), 2)
  const raw = v6 ? ipv6Bytes(target.address) : Buffer.from(target.address.split('.').map(Number))
  const mask = Buffer.concat([cookieBytes(), transactionId])
  for (let i = 0; i < raw.length; i++) value[4 + i] = raw[i]! ^ mask[i]!
  return value
}

export function decodeXorAddress(value: Buffer, transactionId: Buffer): TransportAddress {
  const family = value.readUInt8(1)
  const port = value.readUInt16BE(2) ^ (MAGIC_COOKIE >>> 16)
  const mask = Buffer.concat([cookieBytes(), transactionId])
  const raw = Buffer.from(value.subarray(4).map((byte, i) => byte ^ mask[i]!))
  if (family === 0x01) return { address: [...raw].join('.'), port }
  const groups: string[] = []
  for (let i = 0; i < 16; i += 2) groups.push(raw.readUInt16BE(i).toString(16))
  return { address: groups.join(':'), port }
}

function cookieBytes(): Buffer {
  const bytes = Buffer.alloc(4)
  bytes.writeUInt32BE(MAGIC_COOKIE)
  return bytes
}

function ipv6Bytes(address: string): Buffer {
  const [head = '', tail = ''] = address.split('::')
  const parts = (text: string) => (text === '' ? [] : text.split(':'))
  const missing = 8 - parts(head).length - parts(tail).length
  const groups = [...parts(head), ...Array<string>(address.includes('::') ? missing : 0).fill('0')]
  groups.push(...parts(tail))
  const bytes = Buffer.alloc(16)
  groups.forEach((group, i) => bytes.writeUInt16BE(parseInt(group, 16), i * 2))
  return bytes
}

/** The long-term credential key (RFC 8489 section 9.2.2): MD5(username:realm:password). */
export const longTermKey = (username: string, realm: string, password: string) =>
  createHash('md5').update(`${username}:${realm}:${password}`).digest()

/** ERROR-CODE as a number (e.g. 401), or null when the message has none. */
export function errorCode(message: StunMessage): number | null {
  const value = attribute(message, STUN_ATTRIBUTE.errorCode)
  return value && value.length >= 4 ? (value[2]! & 0x07) * 100 + value[3]! : null
}

/** A UDP socket that sends requests and resolves each with the response to its transaction. */
export class StunClient {
  private readonly socket: Socket
  private readonly waiting = new Map<string, (message: StunMessage) => void>()
  private readonly others: ((packet: Buffer, from: TransportAddress) => void)[] = []

  constructor(
    private readonly server: TransportAddress,
    socket?: Socket,
  ) {
    this.socket = socket ?? createSocket(isIPv6(server.address) ? 'udp6' : 'udp4')
    this.socket.on('message', (packet, from) => {
      const message = decodeStun(packet)
      const answer = message && this.waiting.get(message.transactionId.toString('hex'))
      if (message && answer) answer(message)
      else for (const listener of this.others) listener(packet, from)
    })
  }

  /** Packets that answer no request of ours (indications, relayed data). */
  onOther(listener: (packet: Buffer, from: TransportAddress) => void): void {
    this.others.push(listener)
  }

  /**
   * Sends `message` every `resendMs` (UDP may drop it) until its answer arrives; rejects after
   * `timeoutMs`.
   */
  request(
    message: StunMessage,
    { integrityKey, timeoutMs = 2000, resendMs = 250 } = {} as {
      integrityKey?: Buffer
      timeoutMs?: number
      resendMs?: number
    },
  ): Promise<StunMessage> {
    const packet = encodeStun(message, integrityKey)
    const key = message.transactionId.toString('hex')
    return new Promise((resolve, reject) => {
      const send = () =>
        this.socket.send(packet, this.server.port, this.server.address, (error) => {
          if (error) finish(() => reject(error))
        })
      const resend = setInterval(send, resendMs)
      const deadline = setTimeout(
        () =>
          finish(() =>
            reject(
              new Error(
                `no STUN answer from ${this.server.address}:${this.server.port} in ${timeoutMs} ms`,
              ),
            ),
          ),
        timeoutMs,
      )
      const finish = (settle: () => void) => {
        clearInterval(resend)
        clearTimeout(deadline)
        this.waiting.delete(key)
        settle()
      }
      this.waiting.set(key, (answer) => finish(() => resolve(answer)))
      send()
    })
  }

  /** Sends without waiting for an answer (an indication). */
  send(message: StunMessage): Promise<void> {
    return new Promise((resolve, reject) =>
      this.socket.send(encodeStun(message), this.server.port, this.server.address, (error) =>
        error ? reject(error) : resolve(),
      ),
    )
  }

  close(): void {
    this.socket.close()
  }
}

/** Whether a STUN server answers a binding request at this address within `timeoutMs`. */
export async function answersBinding(server: TransportAddress, timeoutMs: number) {
  const client = new StunClient(server)
  try {
    const answer = await client.request(
      {
        type: stunType(STUN_METHOD.binding, STUN_CLASS.request),
        transactionId: newTransactionId(),
        attributes: [],
      },
      { timeoutMs, resendMs: 100 },
    )
    return answer.type === stunType(STUN_METHOD.binding, STUN_CLASS.success)
  } catch {
    return false
  } finally {
    client.close()
  }
}
