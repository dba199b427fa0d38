// ts-mls, the MLS (RFC 9420) library paracord's group keys rest on, checked against the MLS
// working group's interoperability test vectors: values and messages produced by other
// implementations (OpenMLS, mlspp, mls-rs, ...). The vectors and where they come from are in
// ./test-vectors/README.md; build/mls-vectors.mjs regenerates them.
//
// The library's root export covers joining and processing; the building blocks the smaller
// vector files test (key schedule, secret tree, framing, ...) are reached through its
// `ts-mls/<module>.js` subpath exports.
import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import {
  acceptAll,
  ciphersuites,
  decodeMlsMessage,
  emptyPskIndex,
  encodeMlsMessage,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  joinGroup,
  makePskIndex,
  mlsExporter,
  processMessage,
  type CiphersuiteImpl,
  type CiphersuiteName,
  type ClientState,
  type GroupContext,
  type KeyPackage,
  type MLSMessage,
  type PreSharedKeyID,
  type PrivateKeyPackage,
  type PskIndex,
} from 'ts-mls'
import {
  decodeAuthenticatedContent,
  type AuthenticatedContent,
} from 'ts-mls/authenticatedContent.js'
import { determineLength, lengthEncoder } from 'ts-mls/codec/variableLength.js'
import type { Decoder } from 'ts-mls/codec/tlsDecoder.js'
import { decodeCommit, encodeCommit } from 'ts-mls/commit.js'
import { refhash } from 'ts-mls/crypto/hash.js'
import { decryptWithLabel, encryptWithLabel } from 'ts-mls/crypto/hpke.js'
import { deriveSecret, deriveTreeSecret, expandWithLabel } from 'ts-mls/crypto/kdf.js'
import { signWithLabel, verifyWithLabel } from 'ts-mls/crypto/signature.js'
import { createContentCommitSignature, verifyConfirmationTag } from 'ts-mls/framedContent.js'
import { encodeGroupContext } from 'ts-mls/groupContext.js'
import { verifyGroupInfoConfirmationTag, verifyGroupInfoSignature } from 'ts-mls/groupInfo.js'
import { initializeEpoch } from 'ts-mls/keySchedule.js'
import { makeKeyPackageRef } from 'ts-mls/keyPackage.js'
import { defaultKeyRetentionConfig } from 'ts-mls/keyRetentionConfig.js'
import {
  protect,
  protectApplicationData,
  protectProposal,
  unprotectPrivateMessage,
} from 'ts-mls/messageProtection.js'
import {
  protectProposalPublic,
  protectPublicMessage,
  unprotectPublicMessage,
} from 'ts-mls/messageProtectionPublic.js'
import { defaultPaddingConfig } from 'ts-mls/paddingConfig.js'
import { computePskSecret } from 'ts-mls/presharedkey.js'
import type { PrivateMessage } from 'ts-mls/privateMessage.js'
import { decodeProposal, encodeProposal } from 'ts-mls/proposal.js'
import type { PublicMessage } from 'ts-mls/publicMessage.js'
import { decodeRatchetTree } from 'ts-mls/ratchetTree.js'
import { createSecretTree, deriveKey, deriveNonce, ratchetUntil } from 'ts-mls/secretTree.js'
import { expandSenderDataKey, expandSenderDataNonce } from 'ts-mls/sender.js'
import { createConfirmedHash, createInterimHash } from 'ts-mls/transcriptHash.js'
import {
  isLeaf,
  left,
  nodeWidth,
  parent,
  right,
  root,
  sibling,
  toNodeIndex,
  type NodeIndex,
} from 'ts-mls/treemath.js'
import { decryptGroupInfo, decryptGroupSecrets } from 'ts-mls/welcome.js'
import { MLS_SUITE } from './suite'

// ---- Loading -------------------------------------------------------------------------------

/** Every hex string in the vectors is binary data. */
type Hex = string

function loadVectors<T>(name: string): T[] {
  const gz = readFileSync(new URL(`./test-vectors/${name}.json.gz`, import.meta.url))
  return JSON.parse(gunzipSync(gz).toString('utf8')) as T[]
}

/** One test per case, named by its suite and its place among that suite's cases: "suite 3 #0". */
function itEachCase<T extends { cipher_suite: number }>(
  cases: T[],
  check: (v: T) => Promise<void>,
) {
  for (const { label, vector } of labelled(cases)) it(label, () => check(vector))
}

function labelled<T extends { cipher_suite: number }>(cases: T[]): { label: string; vector: T }[] {
  const seen = new Map<number, number>()
  return cases.map((vector) => {
    const n = seen.get(vector.cipher_suite) ?? 0
    seen.set(vector.cipher_suite, n + 1)
    return { label: `suite ${vector.cipher_suite} #${n}`, vector }
  })
}

const bytes = (hex: Hex): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'))
const hexOf = (data: Uint8Array): Hex => Buffer.from(data).toString('hex')

function decodeWhole<T>(decode: Decoder<T>, hex: Hex, what: string): T {
  const data = bytes(hex)
  const decoded = decode(data, 0)
  if (decoded === undefined) throw new Error(`${what} does not decode`)
  if (decoded[1] !== data.length) {
    throw new Error(`${what} decodes to ${decoded[1]} of its ${data.length} bytes`)
  }
  return decoded[0]
}

function decodeMessage<W extends MLSMessage['wireformat']>(
  hex: Hex,
  wireformat: W,
): Extract<MLSMessage, { wireformat: W }> {
  const message = decodeWhole(decodeMlsMessage, hex, wireformat)
  if (message.wireformat !== wireformat) {
    throw new Error(`expected ${wireformat}, got ${message.wireformat}`)
  }
  return message as Extract<MLSMessage, { wireformat: W }>
}

const suiteNames = new Map<number, CiphersuiteName>(
  Object.entries(ciphersuites).map(([name, id]) => [id, name as CiphersuiteName]),
)
const suiteImpls = new Map<number, Promise<CiphersuiteImpl>>()

function suite(id: number): Promise<CiphersuiteImpl> {
  const name = suiteNames.get(id)
  if (name === undefined) throw new Error(`cipher suite ${id} is unknown to ts-mls`)
  let impl = suiteImpls.get(id)
  if (impl === undefined) {
    impl = getCiphersuiteImpl(getCiphersuiteFromName(name))
    suiteImpls.set(id, impl)
  }
  return impl
}

function groupContext(
  suiteId: number,
  v: { group_id: Hex; epoch: number; tree_hash: Hex; confirmed_transcript_hash: Hex },
): GroupContext {
  const cipherSuite = suiteNames.get(suiteId)
  if (cipherSuite === undefined) throw new Error(`cipher suite ${suiteId} is unknown to ts-mls`)
  return {
    version: 'mls10',
    cipherSuite,
    groupId: bytes(v.group_id),
    epoch: BigInt(v.epoch),
    treeHash: bytes(v.tree_hash),
    confirmedTranscriptHash: bytes(v.confirmed_transcript_hash),
    extensions: [],
  }
}

// ---- Passive client: join from another implementation's Welcome, then follow the group ------

interface PassiveClientVector {
  cipher_suite: number
  external_psks: { psk_id: Hex; psk: Hex }[]
  key_package: Hex
  signature_priv: Hex
  encryption_priv: Hex
  init_priv: Hex
  welcome: Hex
  ratchet_tree: Hex | null
  initial_epoch_authenticator: Hex
  epochs: { proposals: Hex[]; commit: Hex; epoch_authenticator: Hex }[]
}

/** The external PSKs the case hands its client, keyed the way ts-mls's makePskIndex looks them up. */
function externalPsks(v: PassiveClientVector): Record<string, Uint8Array> {
  return Object.fromEntries(
    v.external_psks.map((p) => [Buffer.from(p.psk_id, 'hex').toString('base64'), bytes(p.psk)]),
  )
}

/** The key package's public keys must be those of the private keys the case gives. */
async function expectKeysMatch(v: PassiveClientVector, kp: KeyPackage, cs: CiphersuiteImpl) {
  const probe = new TextEncoder().encode('paracord key check')
  for (const [publicKey, privateKey] of [
    [kp.initKey, v.init_priv],
    [kp.leafNode.hpkePublicKey, v.encryption_priv],
  ] as const) {
    const sealed = await cs.hpke.seal(await cs.hpke.importPublicKey(publicKey), probe, probe)
    const opened = await cs.hpke.open(
      await cs.hpke.importPrivateKey(bytes(privateKey)),
      sealed.enc,
      sealed.ct,
      probe,
    )
    expect(hexOf(opened)).toBe(hexOf(probe))
  }
  const signature = await cs.signature.sign(bytes(v.signature_priv), probe)
  expect(await cs.signature.verify(kp.leafNode.signaturePublicKey, probe, signature)).toBe(true)
}

/**
 * PSKs as a member holds them: the external ones the case lists, and the resumption secrets of
 * the group's current and retained earlier epochs. Built from the state each message is
 * processed in, since a commit may inject the resumption PSK of an epoch before the current one.
 */
type PskSource = (state: ClientState | undefined) => PskIndex

const memberPsks =
  (v: PassiveClientVector): PskSource =>
  (state) =>
    makePskIndex(state, externalPsks(v))

async function joinFromWelcome(
  v: PassiveClientVector,
  psks: PskSource,
): Promise<{ state: ClientState; cs: CiphersuiteImpl }> {
  const cs = await suite(v.cipher_suite)
  const { keyPackage } = decodeMessage(v.key_package, 'mls_key_package')
  await expectKeysMatch(v, keyPackage, cs)
  const { welcome } = decodeMessage(v.welcome, 'mls_welcome')
  const privateKeys: PrivateKeyPackage = {
    initPrivateKey: bytes(v.init_priv),
    hpkePrivateKey: bytes(v.encryption_priv),
    signaturePrivateKey: bytes(v.signature_priv),
  }
  // Without a ratchet_tree the Welcome carries the tree in its GroupInfo's extension.
  const tree =
    v.ratchet_tree === null
      ? undefined
      : decodeWhole(decodeRatchetTree, v.ratchet_tree, 'ratchet_tree')
  const state = await joinGroup(welcome, keyPackage, privateKeys, psks(undefined), cs, tree)
  return { state, cs }
}

/** Joins, then applies every proposal and commit; returns each epoch's authenticator. */
async function followGroup(v: PassiveClientVector, psks: PskSource): Promise<Hex[]> {
  const joined = await joinFromWelcome(v, psks)
  let state = joined.state
  const authenticators = [hexOf(state.keySchedule.epochAuthenticator)]
  for (const epoch of v.epochs) {
    for (const hex of [...epoch.proposals, epoch.commit]) {
      const message = decodeWhole(decodeMlsMessage, hex, 'handshake message')
      if (
        message.wireformat !== 'mls_public_message' &&
        message.wireformat !== 'mls_private_message'
      ) {
        throw new Error(`a ${message.wireformat} where a proposal or commit belongs`)
      }
      const result = await processMessage(message, state, psks(state), acceptAll, joined.cs)
      state = result.newState
    }
    authenticators.push(hexOf(state.keySchedule.epochAuthenticator))
  }
  return authenticators
}

const expectedAuthenticators = (v: PassiveClientVector): Hex[] => [
  v.initial_epoch_authenticator,
  ...v.epochs.map((e) => e.epoch_authenticator),
]

const PASSIVE_CLIENT_FILES = [
  'passive-client-welcome',
  'passive-client-handling-commit',
  'passive-client-random',
]

for (const file of PASSIVE_CLIENT_FILES) {
  describe(file, () => {
    for (const { label, vector } of labelled(loadVectors<PassiveClientVector>(file))) {
      it(`${label}: every epoch authenticator matches`, async () => {
        expect(await followGroup(vector, memberPsks(vector))).toEqual(
          expectedAuthenticators(vector),
        )
      })
    }
  })
}

describe('the vectors in the repository', () => {
  const casesPerSuite = (file: string) => {
    const counts: Record<string, number> = {}
    for (const c of loadVectors<{ cipher_suite: number }>(file)) {
      counts[c.cipher_suite] = (counts[c.cipher_suite] ?? 0) + 1
    }
    return counts
  }

  it("cover paracord's own cipher suite", () => {
    expect(ciphersuites[MLS_SUITE]).toBe(3)
  })

  // What build/mls-vectors.mjs keeps: a regeneration that drops cases shows up here.
  it('hold every case of suites 1 and 3, and the first 50 epochs of the random run', () => {
    const both = (n: number) => ({ 1: n, 3: n })
    expect({
      'passive-client-welcome': casesPerSuite('passive-client-welcome'),
      'passive-client-handling-commit': casesPerSuite('passive-client-handling-commit'),
      'passive-client-random': casesPerSuite('passive-client-random'),
      'crypto-basics': casesPerSuite('crypto-basics'),
      'secret-tree': casesPerSuite('secret-tree'),
      'message-protection': casesPerSuite('message-protection'),
      'key-schedule': casesPerSuite('key-schedule'),
      psk_secret: casesPerSuite('psk_secret'),
      'transcript-hashes': casesPerSuite('transcript-hashes'),
      welcome: casesPerSuite('welcome'),
    }).toEqual({
      'passive-client-welcome': both(8),
      'passive-client-handling-commit': both(13),
      // The working group publishes the random run for suite 1 only.
      'passive-client-random': { 1: 1 },
      'crypto-basics': both(1),
      'secret-tree': both(3),
      'message-protection': both(1),
      'key-schedule': both(1),
      psk_secret: both(11),
      'transcript-hashes': both(1),
      welcome: both(1),
    })
    expect(loadVectors<PassiveClientVector>('passive-client-random')[0]?.epochs).toHaveLength(50)
  })
})

describe('PSKs a passive client must hold', () => {
  const cases = loadVectors<PassiveClientVector>('passive-client-handling-commit')
  // #3 of each suite's 13 commits a resumption PSK of the epoch before it.
  const resumption = cases.filter((c) => c.cipher_suite === 3)[3]!

  it('a Welcome that names an external PSK is refused without it', async () => {
    await expect(joinFromWelcome(resumption, () => emptyPskIndex)).rejects.toThrow(
      'Could not find pskId',
    )
  })

  it("a commit that injects an earlier epoch's resumption PSK needs that epoch's secret", async () => {
    const externalOnly: PskSource = () => makePskIndex(undefined, externalPsks(resumption))
    await expect(followGroup(resumption, externalOnly)).rejects.toThrow('Could not find pskId')
    expect(await followGroup(resumption, memberPsks(resumption))).toEqual(
      expectedAuthenticators(resumption),
    )
  })
})

// ---- Building blocks --------------------------------------------------------------------------

describe('tree-math', () => {
  interface TreeMathVector {
    n_leaves: number
    n_nodes: number
    root: number
    left: (number | null)[]
    right: (number | null)[]
    parent: (number | null)[]
    sibling: (number | null)[]
  }
  const cases = loadVectors<TreeMathVector>('tree-math')

  it.each(cases)('$n_leaves leaves', (v) => {
    expect(nodeWidth(v.n_leaves)).toBe(v.n_nodes)
    expect(root(v.n_leaves)).toBe(v.root)
    const nodes = Array.from({ length: v.n_nodes }, (_, i) => toNodeIndex(i))
    // Leaves have no children and the root no parent or sibling: the vectors say null there
    // (and ts-mls throws when asked).
    const inner = (f: (x: NodeIndex) => number) => nodes.map((x) => (isLeaf(x) ? null : f(x)))
    const belowRoot = (f: (x: NodeIndex) => number) =>
      nodes.map((x) => (x === v.root ? null : f(x)))
    expect(inner(left)).toEqual(v.left)
    expect(inner(right)).toEqual(v.right)
    expect(belowRoot((x) => parent(x, v.n_leaves))).toEqual(v.parent)
    expect(belowRoot((x) => sibling(x, v.n_leaves))).toEqual(v.sibling)
  })
})

describe('deserialization', () => {
  const cases = loadVectors<{ vlbytes_header: Hex; length: number }>('deserialization')

  it.each(cases.map((c) => [c.length, c.vlbytes_header] as const))(
    'length %i, header %s',
    (length, header) => {
      expect(determineLength(bytes(header))).toEqual({ length, lengthFieldSize: header.length / 2 })
      const [size, write] = lengthEncoder(length)
      const encoded = new ArrayBuffer(size)
      write(0, encoded)
      expect(hexOf(new Uint8Array(encoded))).toBe(header)
    },
  )
})

describe('crypto-basics', () => {
  interface CryptoBasicsVector {
    cipher_suite: number
    ref_hash: { label: string; value: Hex; out: Hex }
    expand_with_label: { secret: Hex; label: string; context: Hex; length: number; out: Hex }
    derive_secret: { secret: Hex; label: string; out: Hex }
    derive_tree_secret: {
      secret: Hex
      label: string
      generation: number
      length: number
      out: Hex
    }
    sign_with_label: { priv: Hex; pub: Hex; content: Hex; label: string; signature: Hex }
    encrypt_with_label: {
      priv: Hex
      pub: Hex
      label: string
      context: Hex
      plaintext: Hex
      kem_output: Hex
      ciphertext: Hex
    }
  }

  itEachCase(loadVectors<CryptoBasicsVector>('crypto-basics'), async (v) => {
    const cs = await suite(v.cipher_suite)
    const { ref_hash, expand_with_label, derive_secret, derive_tree_secret } = v
    expect(hexOf(await refhash(ref_hash.label, bytes(ref_hash.value), cs.hash))).toBe(ref_hash.out)
    const e = expand_with_label
    expect(
      hexOf(await expandWithLabel(bytes(e.secret), e.label, bytes(e.context), e.length, cs.kdf)),
    ).toBe(e.out)
    expect(
      hexOf(await deriveSecret(bytes(derive_secret.secret), derive_secret.label, cs.kdf)),
    ).toBe(derive_secret.out)
    const t = derive_tree_secret
    expect(
      hexOf(await deriveTreeSecret(bytes(t.secret), t.label, t.generation, t.length, cs.kdf)),
    ).toBe(t.out)

    const s = v.sign_with_label
    const content = bytes(s.content)
    expect(
      await verifyWithLabel(bytes(s.pub), s.label, content, bytes(s.signature), cs.signature),
    ).toBe(true)
    const ours = await signWithLabel(bytes(s.priv), s.label, content, cs.signature)
    expect(await verifyWithLabel(bytes(s.pub), s.label, content, ours, cs.signature)).toBe(true)

    const h = v.encrypt_with_label
    const context = bytes(h.context)
    const open = async (kemOutput: Uint8Array, ciphertext: Uint8Array) =>
      hexOf(
        await decryptWithLabel(
          // Typed through the DOM's CryptoKey, which this Node-only project does not declare.
          await cs.hpke.importPrivateKey(bytes(h.priv)),
          h.label,
          context,
          kemOutput,
          ciphertext,
          cs.hpke,
        ),
      )
    expect(await open(bytes(h.kem_output), bytes(h.ciphertext))).toBe(h.plaintext)
    const sealed = await encryptWithLabel(
      await cs.hpke.importPublicKey(bytes(h.pub)),
      h.label,
      context,
      bytes(h.plaintext),
      cs.hpke,
    )
    expect(await open(sealed.enc, sealed.ct)).toBe(h.plaintext)
  })
})

describe('secret-tree', () => {
  interface SecretTreeVector {
    cipher_suite: number
    encryption_secret: Hex
    sender_data: { sender_data_secret: Hex; ciphertext: Hex; key: Hex; nonce: Hex }
    leaves: {
      generation: number
      handshake_key: Hex
      handshake_nonce: Hex
      application_key: Hex
      application_nonce: Hex
    }[][]
  }
  // The vectors jump straight to a generation; no retention limits apply to that.
  const ratchetFreely = { ...defaultKeyRetentionConfig, maximumForwardRatchetSteps: 2 ** 32 }

  itEachCase(loadVectors<SecretTreeVector>('secret-tree'), async (v) => {
    const cs = await suite(v.cipher_suite)
    const sd = v.sender_data
    const sample = bytes(sd.ciphertext)
    expect(hexOf(await expandSenderDataKey(cs, bytes(sd.sender_data_secret), sample))).toBe(sd.key)
    expect(hexOf(await expandSenderDataNonce(cs, bytes(sd.sender_data_secret), sample))).toBe(
      sd.nonce,
    )

    const tree = await createSecretTree(v.leaves.length, bytes(v.encryption_secret), cs.kdf)
    for (const [leaf, generations] of v.leaves.entries()) {
      const node = tree[2 * leaf]!
      for (const g of generations) {
        const [handshake] = await ratchetUntil(node.handshake, g.generation, ratchetFreely, cs.kdf)
        const [application] = await ratchetUntil(
          node.application,
          g.generation,
          ratchetFreely,
          cs.kdf,
        )
        expect({
          leaf,
          generation: g.generation,
          handshake_key: hexOf(await deriveKey(handshake.secret, g.generation, cs)),
          handshake_nonce: hexOf(await deriveNonce(handshake.secret, g.generation, cs)),
          application_key: hexOf(await deriveKey(application.secret, g.generation, cs)),
          application_nonce: hexOf(await deriveNonce(application.secret, g.generation, cs)),
        }).toEqual({ leaf, ...g })
      }
    }
  })
})

describe('key-schedule', () => {
  interface KeyScheduleVector {
    cipher_suite: number
    group_id: Hex
    initial_init_secret: Hex
    epochs: {
      tree_hash: Hex
      commit_secret: Hex
      psk_secret: Hex
      confirmed_transcript_hash: Hex
      group_context: Hex
      joiner_secret: Hex
      welcome_secret: Hex
      init_secret: Hex
      sender_data_secret: Hex
      encryption_secret: Hex
      exporter_secret: Hex
      epoch_authenticator: Hex
      external_secret: Hex
      confirmation_key: Hex
      membership_key: Hex
      resumption_psk: Hex
      external_pub: Hex
      exporter: { label: Hex; context: Hex; length: number; secret: Hex }
    }[]
  }

  itEachCase(loadVectors<KeyScheduleVector>('key-schedule'), async (v) => {
    const cs = await suite(v.cipher_suite)
    let initSecret = bytes(v.initial_init_secret)
    for (const [epoch, e] of v.epochs.entries()) {
      const context = groupContext(v.cipher_suite, { ...e, group_id: v.group_id, epoch })
      expect(hexOf(encodeGroupContext(context))).toBe(e.group_context)
      const secrets = await initializeEpoch(
        initSecret,
        bytes(e.commit_secret),
        context,
        bytes(e.psk_secret),
        cs.kdf,
      )
      const ks = secrets.keySchedule
      const external = await cs.hpke.deriveKeyPair(ks.externalSecret)
      // The vectors were made with the label's hex text itself as the label.
      const exported = await mlsExporter(
        ks.exporterSecret,
        e.exporter.label,
        bytes(e.exporter.context),
        e.exporter.length,
        cs,
      )
      expect({
        epoch,
        joiner_secret: hexOf(secrets.joinerSecret),
        welcome_secret: hexOf(secrets.welcomeSecret),
        init_secret: hexOf(ks.initSecret),
        sender_data_secret: hexOf(ks.senderDataSecret),
        encryption_secret: hexOf(secrets.encryptionSecret),
        exporter_secret: hexOf(ks.exporterSecret),
        epoch_authenticator: hexOf(ks.epochAuthenticator),
        external_secret: hexOf(ks.externalSecret),
        confirmation_key: hexOf(ks.confirmationKey),
        membership_key: hexOf(ks.membershipKey),
        resumption_psk: hexOf(ks.resumptionPsk),
        external_pub: hexOf(await cs.hpke.exportPublicKey(external.publicKey)),
        exported: hexOf(exported),
      }).toEqual({
        epoch,
        joiner_secret: e.joiner_secret,
        welcome_secret: e.welcome_secret,
        init_secret: e.init_secret,
        sender_data_secret: e.sender_data_secret,
        encryption_secret: e.encryption_secret,
        exporter_secret: e.exporter_secret,
        epoch_authenticator: e.epoch_authenticator,
        external_secret: e.external_secret,
        confirmation_key: e.confirmation_key,
        membership_key: e.membership_key,
        resumption_psk: e.resumption_psk,
        external_pub: e.external_pub,
        exported: e.exporter.secret,
      })
      initSecret = ks.initSecret
    }
  })
})

describe('psk_secret', () => {
  interface PskSecretVector {
    cipher_suite: number
    psks: { psk_id: Hex; psk: Hex; psk_nonce: Hex }[]
    psk_secret: Hex
  }

  itEachCase(loadVectors<PskSecretVector>('psk_secret'), async (v) => {
    const cs = await suite(v.cipher_suite)
    const psks = v.psks.map((p): [PreSharedKeyID, Uint8Array] => [
      { psktype: 'external', pskId: bytes(p.psk_id), pskNonce: bytes(p.psk_nonce) },
      bytes(p.psk),
    ])
    expect(hexOf(await computePskSecret(psks, cs))).toBe(v.psk_secret)
  })
})

describe('transcript-hashes', () => {
  interface TranscriptHashesVector {
    cipher_suite: number
    confirmation_key: Hex
    authenticated_content: Hex
    interim_transcript_hash_before: Hex
    confirmed_transcript_hash_after: Hex
    interim_transcript_hash_after: Hex
  }

  itEachCase(loadVectors<TranscriptHashesVector>('transcript-hashes'), async (v) => {
    const cs = await suite(v.cipher_suite)
    const { wireformat, content, auth } = decodeWhole(
      decodeAuthenticatedContent,
      v.authenticated_content,
      'authenticated_content',
    )
    if (content.contentType !== 'commit' || auth.contentType !== 'commit') {
      throw new Error('authenticated_content is not a commit')
    }
    const confirmed = await createConfirmedHash(
      bytes(v.interim_transcript_hash_before),
      { wireformat, content, signature: auth.signature },
      cs.hash,
    )
    expect(hexOf(confirmed)).toBe(v.confirmed_transcript_hash_after)
    expect(
      await verifyConfirmationTag(
        bytes(v.confirmation_key),
        auth.confirmationTag,
        confirmed,
        cs.hash,
      ),
    ).toBe(true)
    expect(hexOf(await createInterimHash(confirmed, auth.confirmationTag, cs.hash))).toBe(
      v.interim_transcript_hash_after,
    )
  })
})

describe('welcome', () => {
  interface WelcomeVector {
    cipher_suite: number
    init_priv: Hex
    key_package: Hex
    signer_pub: Hex
    welcome: Hex
  }

  itEachCase(loadVectors<WelcomeVector>('welcome'), async (v) => {
    const cs = await suite(v.cipher_suite)
    const { welcome } = decodeMessage(v.welcome, 'mls_welcome')
    const { keyPackage } = decodeMessage(v.key_package, 'mls_key_package')
    const keyPackageRef = await makeKeyPackageRef(keyPackage, cs.hash)
    const secrets = await decryptGroupSecrets(
      await cs.hpke.importPrivateKey(bytes(v.init_priv)),
      keyPackageRef,
      welcome,
      cs.hpke,
    )
    if (secrets === undefined) throw new Error('the Welcome holds no secrets for this key package')
    // The case uses no PSKs: the PSK secret is all zeroes.
    const pskSecret = new Uint8Array(cs.kdf.size)
    const groupInfo = await decryptGroupInfo(welcome, secrets.joinerSecret, pskSecret, cs)
    if (groupInfo === undefined) throw new Error('the GroupInfo does not decrypt')
    expect(
      await verifyGroupInfoConfirmationTag(groupInfo, secrets.joinerSecret, pskSecret, cs),
    ).toBe(true)
    expect(await verifyGroupInfoSignature(groupInfo, bytes(v.signer_pub), cs.signature)).toBe(true)
  })
})

describe('message-protection', () => {
  interface MessageProtectionVector {
    cipher_suite: number
    group_id: Hex
    epoch: number
    tree_hash: Hex
    confirmed_transcript_hash: Hex
    signature_priv: Hex
    signature_pub: Hex
    encryption_secret: Hex
    sender_data_secret: Hex
    membership_key: Hex
    proposal: Hex
    proposal_priv: Hex
    proposal_pub: Hex
    commit: Hex
    commit_priv: Hex
    commit_pub: Hex
    application: Hex
    application_priv: Hex
  }
  // The vectors' sender is always the member at leaf 1 of a two-member group.
  const SENDER = 1

  const cases = loadVectors<MessageProtectionVector>('message-protection')

  async function setup(v: MessageProtectionVector) {
    const cs = await suite(v.cipher_suite)
    const context = groupContext(v.cipher_suite, v)
    const secretTree = await createSecretTree(2, bytes(v.encryption_secret), cs.kdf)
    const senderDataSecret = bytes(v.sender_data_secret)
    const membershipKey = bytes(v.membership_key)
    const signatureKey = bytes(v.signature_pub)
    const openPublic = (message: PublicMessage) =>
      unprotectPublicMessage(membershipKey, context, [], message, cs, signatureKey)
    const openPrivate = async (message: PrivateMessage) =>
      (
        await unprotectPrivateMessage(
          senderDataSecret,
          message,
          secretTree,
          [],
          context,
          defaultKeyRetentionConfig,
          cs,
          signatureKey,
        )
      ).content
    const asPublic = (publicMessage: PublicMessage) =>
      hexOf(encodeMlsMessage({ version: 'mls10', wireformat: 'mls_public_message', publicMessage }))
    return {
      cs,
      context,
      secretTree,
      senderDataSecret,
      membershipKey,
      openPublic,
      openPrivate,
      asPublic,
    }
  }

  describe('proposal', () => {
    itEachCase(cases, async (v) => {
      const m = await setup(v)
      const proposal = decodeWhole(decodeProposal, v.proposal, 'proposal')
      const signKey = bytes(v.signature_priv)
      const proposalOf = (content: AuthenticatedContent['content']) => {
        if (content.contentType !== 'proposal') throw new Error(`got a ${content.contentType}`)
        return hexOf(encodeProposal(content.proposal))
      }

      // 1. The other implementation's messages open to the proposal.
      const pub = decodeMessage(v.proposal_pub, 'mls_public_message').publicMessage
      expect(proposalOf((await m.openPublic(pub)).content)).toBe(v.proposal)
      const priv = decodeMessage(v.proposal_priv, 'mls_private_message').privateMessage
      expect(proposalOf((await m.openPrivate(priv)).content)).toBe(v.proposal)

      // 2. Ours, signed deterministically (Ed25519) over the same content, is byte for byte theirs.
      const ourPub = await protectProposalPublic(
        signKey,
        m.membershipKey,
        m.context,
        pub.content.authenticatedData,
        proposal,
        SENDER,
        m.cs,
      )
      expect(m.asPublic(ourPub.publicMessage)).toBe(v.proposal_pub)

      // 3. Ours, encrypted, opens to the proposal again.
      const ourPriv = await protectProposal(
        signKey,
        m.senderDataSecret,
        proposal,
        priv.authenticatedData,
        m.context,
        m.secretTree,
        SENDER,
        defaultPaddingConfig,
        m.cs,
      )
      expect(proposalOf((await m.openPrivate(ourPriv.privateMessage)).content)).toBe(v.proposal)
    })
  })

  describe('commit', () => {
    itEachCase(cases, async (v) => {
      const m = await setup(v)
      const commit = decodeWhole(decodeCommit, v.commit, 'commit')
      const commitOf = (content: AuthenticatedContent['content']) => {
        if (content.contentType !== 'commit') throw new Error(`got a ${content.contentType}`)
        return hexOf(encodeCommit(content.commit))
      }

      const pub = decodeMessage(v.commit_pub, 'mls_public_message').publicMessage
      const opened = await m.openPublic(pub)
      expect(commitOf(opened.content)).toBe(v.commit)
      const priv = decodeMessage(v.commit_priv, 'mls_private_message').privateMessage
      expect(commitOf((await m.openPrivate(priv)).content)).toBe(v.commit)

      // A commit's auth carries a confirmation tag; reuse the one the vector's commit carries.
      if (opened.auth.contentType !== 'commit')
        throw new Error('commit_pub has no confirmation tag')
      const { confirmationTag } = opened.auth
      const signKey = bytes(v.signature_priv)
      const sender = { senderType: 'member', leafIndex: SENDER } as const

      const signedPublic = await createContentCommitSignature(
        m.context,
        'mls_public_message',
        commit,
        sender,
        pub.content.authenticatedData,
        signKey,
        m.cs.signature,
      )
      const ourPub = await protectPublicMessage(
        m.membershipKey,
        m.context,
        {
          wireformat: 'mls_public_message',
          content: signedPublic.framedContent,
          auth: { contentType: 'commit', signature: signedPublic.signature, confirmationTag },
        },
        m.cs,
      )
      expect(m.asPublic(ourPub)).toBe(v.commit_pub)

      const signedPrivate = await createContentCommitSignature(
        m.context,
        'mls_private_message',
        commit,
        sender,
        priv.authenticatedData,
        signKey,
        m.cs.signature,
      )
      const ourPriv = await protect(
        m.senderDataSecret,
        priv.authenticatedData,
        m.context,
        m.secretTree,
        {
          ...signedPrivate.framedContent,
          auth: { contentType: 'commit', signature: signedPrivate.signature, confirmationTag },
        },
        SENDER,
        defaultPaddingConfig,
        m.cs,
      )
      expect(commitOf((await m.openPrivate(ourPriv.privateMessage)).content)).toBe(v.commit)
    })
  })

  describe('application data', () => {
    itEachCase(cases, async (v) => {
      const m = await setup(v)
      const applicationOf = (content: AuthenticatedContent['content']) => {
        if (content.contentType !== 'application') throw new Error(`got a ${content.contentType}`)
        return hexOf(content.applicationData)
      }
      const priv = decodeMessage(v.application_priv, 'mls_private_message').privateMessage
      expect(applicationOf((await m.openPrivate(priv)).content)).toBe(v.application)

      const ours = await protectApplicationData(
        bytes(v.signature_priv),
        m.senderDataSecret,
        bytes(v.application),
        priv.authenticatedData,
        m.context,
        m.secretTree,
        SENDER,
        defaultPaddingConfig,
        m.cs,
      )
      expect(applicationOf((await m.openPrivate(ours.privateMessage)).content)).toBe(v.application)
    })
  })
})
