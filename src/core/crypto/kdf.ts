// Password → Argon2id → the vault key and the login key pair. One slow hash, then cheap
// domain-separated subkeys, so neither output reveals anything about the other.
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import type { KdfParams } from '../../shared/protocol/schemas'
import { encodeFields } from '../../shared/signing'
import { expectBytes } from './assert'
import { InvalidInputError, WeakKdfError } from './errors'
import { loadSodium, readySodium, type Sodium } from './sodium'
import type { KeyPair } from './types'

export const SALT_BYTES = 16
const MASTER_BYTES = 64
const SUBKEY_LABEL = 'paracord-login-kdf-v1'
/** Ceilings that stop a hostile server from making the client hash for minutes or run out of memory. */
export const MAX_KDF_OPS = 16
export const MAX_KDF_MEM = 1024 * 1024 * 1024

export interface LoginSecrets {
  /** Seals the user vault (XChaCha20-Poly1305). */
  readonly vaultKey: Uint8Array
  /** Signs login challenges; the server stores only the public key. */
  readonly loginKeys: KeyPair
}

export interface DeriveOptions {
  /**
   * Hash in a worker thread (default), so the event loop stays free for the ~0.2-0.4 s the hash
   * takes. With false it runs inline and blocks for that long.
   */
  readonly offThread?: boolean
}

/** A fresh random salt for a new account or a password change. */
export async function newSalt(): Promise<Uint8Array> {
  return (await loadSodium()).randombytes_buf(SALT_BYTES)
}

/** Throws `WeakKdfError` unless the parameters are Argon2id13 at or above INTERACTIVE. */
export function checkKdfParams(kdf: KdfParams): void {
  const sodium = readySodium()
  if (kdf.alg !== 'argon2id13')
    throw new WeakKdfError(`unsupported KDF algorithm: ${String(kdf.alg)}`)
  const minOps = sodium.crypto_pwhash_OPSLIMIT_INTERACTIVE
  const minMem = sodium.crypto_pwhash_MEMLIMIT_INTERACTIVE
  if (!Number.isSafeInteger(kdf.opsLimit) || kdf.opsLimit < minOps)
    throw new WeakKdfError(`KDF opsLimit ${kdf.opsLimit} is below the minimum of ${minOps}`)
  if (!Number.isSafeInteger(kdf.memLimit) || kdf.memLimit < minMem)
    throw new WeakKdfError(`KDF memLimit ${kdf.memLimit} is below the minimum of ${minMem} bytes`)
  if (kdf.opsLimit > MAX_KDF_OPS)
    throw new WeakKdfError(`KDF opsLimit ${kdf.opsLimit} is above the maximum of ${MAX_KDF_OPS}`)
  if (kdf.memLimit > MAX_KDF_MEM)
    throw new WeakKdfError(`KDF memLimit ${kdf.memLimit} is above the maximum of ${MAX_KDF_MEM}`)
}

export async function deriveLoginSecrets(
  password: string,
  salt: Uint8Array,
  kdf: KdfParams,
  options: DeriveOptions = {},
): Promise<LoginSecrets> {
  const sodium = await loadSodium()
  // 1. Refuse bad input before spending any time on it.
  if (typeof password !== 'string' || password.length === 0)
    throw new InvalidInputError('password must not be empty')
  expectBytes(salt, SALT_BYTES, 'salt')
  checkKdfParams(kdf)
  // 2. NFKC, so the same password typed as composed or decomposed characters derives one key.
  const normalised = password.normalize('NFKC')
  // 3. One Argon2id hash of 64 bytes: the master secret.
  const master =
    options.offThread === false
      ? pwhashInline(sodium, normalised, salt, kdf)
      : await pwhashInWorker(normalised, salt, kdf)
  // 4. Independent subkeys: BLAKE2b keyed with the master under distinct labels.
  const subkey = (purpose: string) =>
    sodium.crypto_generichash(32, encodeFields(SUBKEY_LABEL, [purpose]), master)
  const vaultKey = subkey('vault')
  const loginSeed = subkey('login-key')
  // 5. The login key pair from its seed; then wipe what is no longer needed.
  const { publicKey, privateKey } = sodium.crypto_sign_seed_keypair(loginSeed)
  sodium.memzero(loginSeed)
  sodium.memzero(master)
  return { vaultKey, loginKeys: { publicKey, privateKey } }
}

function pwhashInline(sodium: Sodium, password: string, salt: Uint8Array, kdf: KdfParams) {
  return sodium.crypto_pwhash(
    MASTER_BYTES,
    password,
    salt,
    kdf.opsLimit,
    kdf.memLimit,
    sodium.crypto_pwhash_ALG_ARGON2ID13,
  )
}

// The worker is plain CommonJS evaluated from a string, so it needs no build step of its own;
// it loads the same libsodium package by absolute path.
const WORKER_SOURCE = `
const { parentPort, workerData: d } = require('node:worker_threads')
const sodium = require(d.sodiumPath)
sodium.ready.then(() => {
  const out = sodium.crypto_pwhash(d.bytes, d.password, d.salt, d.opsLimit, d.memLimit,
    sodium.crypto_pwhash_ALG_ARGON2ID13)
  parentPort.postMessage({ master: out }, [out.buffer])
}).catch((error) => parentPort.postMessage({ error: String(error && error.message || error) }))
`

function pwhashInWorker(password: string, salt: Uint8Array, kdf: KdfParams): Promise<Uint8Array> {
  const sodiumPath = createRequire(import.meta.url).resolve('libsodium-wrappers-sumo')
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        sodiumPath,
        bytes: MASTER_BYTES,
        password,
        salt,
        opsLimit: kdf.opsLimit,
        memLimit: kdf.memLimit,
      },
    })
    let settled = false
    worker.once('message', (reply: { master?: Uint8Array; error?: string }) => {
      settled = true
      if (reply.master) resolve(reply.master)
      else reject(new Error(`password hashing failed: ${reply.error}`))
    })
    worker.once('error', (error) => {
      settled = true
      reject(error)
    })
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`password hashing worker exited with code ${code}`))
    })
  })
}
