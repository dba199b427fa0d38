// The signed payload of each protocol action, built in one place so that the client that signs
// and the server that verifies can never disagree on field order. Binary fields are the decoded
// bytes of their base64url wire form; bodies are signed whole (Ed25519 hashes internally).
import { fromBase64Url } from '../encoding'
import { SIGNING_DOMAINS as D, signingPayload } from '../signing'

const bin = fromBase64Url

export const loginPayload = (p: { handle: string; challengeId: string; nonce: string }) =>
  signingPayload(D.login, [bin(p.handle), bin(p.challengeId), bin(p.nonce)])

export const accountDeletePayload = (p: { handle: string; challengeId: string; nonce: string }) =>
  signingPayload(D.accountDelete, [bin(p.handle), bin(p.challengeId), bin(p.nonce)])

export const passwordChangePayload = (p: {
  handle: string
  loginPublicKey: string
  version: number
}) => signingPayload(D.passwordChange, [bin(p.handle), bin(p.loginPublicKey), p.version])

export const enclaveWritePayload = (p: {
  id: string
  kind: string
  version: number
  ownerKey: string
  expiresAt: number | null
  body: string
}) =>
  signingPayload(D.enclaveWrite, [
    bin(p.id),
    p.kind,
    p.version,
    bin(p.ownerKey),
    p.expiresAt,
    bin(p.body),
  ])

export const enclaveDeletePayload = (p: { id: string; version: number }) =>
  signingPayload(D.enclaveDelete, [bin(p.id), p.version])

interface KeySet {
  postKey: string | null
  readKey: string
  adminKey: string
}
const keys = (k: KeySet) => [
  k.postKey === null ? null : bin(k.postKey),
  bin(k.readKey),
  bin(k.adminKey),
]

export const streamCreatePayload = (p: {
  id: string
  policy: KeySet & { permanent: boolean; maxBurnSeconds: number }
}) =>
  signingPayload(D.streamCreate, [
    bin(p.id),
    ...keys(p.policy),
    p.policy.permanent,
    p.policy.maxBurnSeconds,
  ])

export const streamRotatePayload = (p: KeySet & { id: string; keyVersion: number }) =>
  signingPayload(D.streamRotate, [bin(p.id), p.keyVersion, ...keys(p)])

export const shardPayload = (p: {
  stream: string
  id: string
  burnAt: number | null
  body: string
}) => signingPayload(D.shard, [bin(p.stream), bin(p.id), p.burnAt, bin(p.body)])

export const readPayload = (p: {
  stream: string
  accountId: string
  keyVersion: number
  at: number
}) => signingPayload(D.read, [bin(p.stream), bin(p.accountId), p.keyVersion, p.at])

export const streamInfoPayload = (p: {
  stream: string
  accountId: string
  readKey: string
  at: number
}) => signingPayload(D.streamInfo, [bin(p.stream), bin(p.accountId), bin(p.readKey), p.at])
