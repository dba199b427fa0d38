// One paracord server as an MLS group (RFC 9420, through ts-mls): creating it, joining it with
// an external commit, committing changes, and processing the commits others made, each checked
// against the roles (rules.ts) before it is taken. A ServerGroup is immutable: every change
// gives a new one, and the caller keeps the old until the change is confirmed as the next in
// the server's log (the backend orders commits; the first valid one for an epoch wins).
import {
  createCommit,
  createGroup,
  createGroupInfoWithExternalPubAndRatchetTree,
  createProposal,
  decodeGroupState,
  decodeMlsMessage,
  defaultLifetime,
  emptyPskIndex,
  encodeGroupState,
  encodeMlsMessage,
  generateKeyPackageWithKey,
  joinGroupExternal,
  mlsExporter,
  processPublicMessage,
  type ClientConfig,
  type ClientState,
  type CiphersuiteImpl,
  type GroupInfo,
  type MLSMessage,
  type Proposal,
  type ProposalWithSender,
  type Sender,
  type Commit,
} from 'ts-mls'
import { defaultClientConfig } from 'ts-mls/clientConfig.js'
import { CodecError, CryptoVerificationError, ValidationError } from 'ts-mls/mlsError.js'
import { fromBase64Url, toBase64Url, utf8 } from '../../shared/encoding'
import { canonicalJson } from '../../shared/canonical-json'
import { makeCredential, type DeviceSigner } from './credential'
import { makeJoinProof, type InviteKeys, type JoinProof } from './invite-keys'
import { leavesOf, leafView, type LeafView } from './leaves'
import {
  commitProblem,
  removalProblem,
  type CommitFacts,
  type ProposalFact,
  type ProposalKind,
} from './rules'
import {
  SERVER_STATE_VERSION,
  serverStateExtension,
  serverStateOf,
  type ServerState,
} from './server-state'
import { paracordAuthService } from './credential'
import { mlsSuite, paracordCapabilities } from './suite'

export class GroupError extends Error {
  constructor(
    /**
     * refused: no honest client takes it; stale: of another epoch; desync: valid for the
     * others, but this device's keys do not open it (it must join again); removed: not in it.
     */
    readonly code: 'refused' | 'stale' | 'malformed' | 'removed' | 'desync',
    message: string,
  ) {
    super(message)
    this.name = 'GroupError'
  }
}

const clientConfig: ClientConfig = {
  ...defaultClientConfig,
  authService: paracordAuthService,
  // Old epochs' message keys are paracord's to keep (keys.ts), not the library's.
  keyRetentionConfig: { ...defaultClientConfig.keyRetentionConfig, retainKeysForEpochs: 0 },
}

export interface GroupChange {
  /** The server state after the change (validated by the same rules as everyone's). */
  readonly state?: (current: ServerState) => ServerState
  /** Users whose every leaf goes. */
  readonly removeUsers?: readonly string[]
  /** Single leaves that go (this user's own stale devices). */
  readonly removeLeaves?: readonly number[]
}

export interface Processed {
  readonly group: ServerGroup
  /** What changed, for the people looking at the server. */
  readonly facts: CommitFacts
  /** This device was removed by the commit: the new group holds no keys. */
  readonly removedHere: boolean
}

export interface FoundingMember {
  readonly name: string
  readonly displayName: string
  /** The founder's account X25519 key (MemberState.boxKey). */
  readonly boxKey: string
}

async function newLeafPackage(
  signer: DeviceSigner,
  cs: CiphersuiteImpl,
  joinProof?: (leafSignatureKey: Uint8Array) => JoinProof,
) {
  const keys = await cs.signature.keygen()
  const credential = makeCredential(signer, keys.publicKey, joinProof?.(keys.publicKey))
  return generateKeyPackageWithKey(
    credential,
    paracordCapabilities(),
    defaultLifetime,
    [],
    keys,
    cs,
  )
}

const asMls = (bytes: Uint8Array): MLSMessage => {
  const decoded = decodeMlsMessage(bytes, 0)
  if (!decoded) throw new GroupError('malformed', 'not an MLS message')
  return decoded[0]
}

export class ServerGroup {
  readonly client: ClientState
  private leafViews: LeafView[] | null = null

  private constructor(
    client: ClientState,
    private readonly cs: CiphersuiteImpl,
  ) {
    // Past epochs' receiver secrets are dropped: paracord keeps the epoch secrets it needs
    // itself, for as long as their messages may be unburned (group-store.ts), and the library's
    // own retention keeps every past epoch when asked to keep none.
    this.client = { ...client, historicalReceiverData: new Map() }
  }

  static async create(
    serverId: string,
    signer: DeviceSigner,
    founding: FoundingMember,
    channels: ServerState['channels'] = {},
  ): Promise<ServerGroup> {
    const cs = await mlsSuite()
    const pkg = await newLeafPackage(signer, cs)
    const state: ServerState = {
      v: SERVER_STATE_VERSION,
      name: founding.name,
      ownerId: signer.userId,
      admins: [],
      channels,
      invites: {},
      members: {
        [signer.userId]: {
          identityKey: toBase64Url(signer.identity.publicKey),
          boxKey: founding.boxKey,
          displayName: founding.displayName,
          status: '',
          joinedVia: null,
          joinedEpoch: 0,
        },
      },
      removed: {},
    }
    const client = await createGroup(
      fromBase64Url(serverId),
      pkg.publicPackage,
      pkg.privatePackage,
      [serverStateExtension(state)],
      cs,
      clientConfig,
    )
    return new ServerGroup(client, cs)
  }

  /**
   * Joins with an external commit from the group's published GroupInfo. `invite` proves the
   * invite secret; without it the join is a further device of a user already in the group.
   */
  static async join(
    groupInfoBytes: Uint8Array,
    signer: DeviceSigner,
    invite: InviteKeys | null,
    /** false only where a test plays a modified client that skips its own checks. */
    checkRules = true,
  ): Promise<{ group: ServerGroup; message: Uint8Array }> {
    const cs = await mlsSuite()
    const message = asMls(groupInfoBytes)
    if (message.wireformat !== 'mls_group_info')
      throw new GroupError('malformed', 'the join information is not an MLS group info')
    const groupInfo: GroupInfo = message.groupInfo
    const groupId = toBase64Url(groupInfo.groupContext.groupId)
    const epoch = Number(groupInfo.groupContext.epoch)
    const pkg = await newLeafPackage(
      signer,
      cs,
      invite
        ? (leafKey) => makeJoinProof(invite, groupId, epoch, signer.userId, leafKey)
        : undefined,
    )
    const { publicMessage, newState } = await joinGroupExternal(
      groupInfo,
      pkg.publicPackage,
      pkg.privatePackage,
      false,
      cs,
      undefined,
      clientConfig,
    )
    const encoded = encodeMlsMessage({
      version: 'mls10',
      wireformat: 'mls_public_message',
      publicMessage,
    })
    const group = new ServerGroup(newState, cs)
    // The same rules the members will apply, so a join they would refuse is never posted.
    const own = group.ownLeaf()
    const before = {
      state: serverStateOf(groupInfo.groupContext),
      leaves: group.leaves().filter((leaf) => leaf.leafIndex !== own.leafIndex),
    }
    const problem = commitProblem({
      groupId,
      epoch,
      committer: own,
      external: true,
      leaving: [],
      proposals: [{ kind: 'external_init', sender: null }],
      before,
      after: { state: group.state, leaves: group.leaves() },
    })
    if (problem && checkRules) throw new GroupError('refused', problem)
    return { group, message: encoded }
  }

  static async decode(bytes: Uint8Array): Promise<ServerGroup> {
    return ServerGroup.decodeLoaded(bytes, await mlsSuite())
  }

  /** As decode, with the suite already loaded (mlsSuite() awaited once at start). */
  static decodeLoaded(bytes: Uint8Array, cs: CiphersuiteImpl): ServerGroup {
    const decoded = decodeGroupState(bytes, 0)
    if (!decoded) throw new GroupError('malformed', 'the stored group state does not decode')
    return new ServerGroup({ ...decoded[0], clientConfig }, cs)
  }

  encode(): Uint8Array {
    return encodeGroupState(this.client)
  }

  get groupId(): string {
    return toBase64Url(this.client.groupContext.groupId)
  }

  get epoch(): number {
    return Number(this.client.groupContext.epoch)
  }

  get state(): ServerState {
    return serverStateOf(this.client.groupContext)
  }

  get active(): boolean {
    return this.client.groupActiveState.kind === 'active'
  }

  /** Every occupied leaf; computed once per group (it checks each credential's signature). */
  leaves(): LeafView[] {
    this.leafViews ??= leavesOf(this.client)
    return this.leafViews
  }

  /** This device's own leaf. */
  ownLeaf(): LeafView {
    const own = this.leaves().find((leaf) => leaf.leafIndex === this.ownLeafIndex())
    if (!own) throw new GroupError('removed', 'this device is not in the group')
    return own
  }

  ownLeafIndex(): number {
    return this.client.privatePath.leafIndex
  }

  /** Users with at least one device in the group. */
  userIds(): string[] {
    return [...new Set(this.leaves().map((leaf) => leaf.userId))]
  }

  /** RFC 9420's epoch authenticator: equal for two members exactly when they share the epoch. */
  epochAuthenticator(): Uint8Array {
    return this.client.keySchedule.epochAuthenticator
  }

  /** A secret of this epoch for one purpose (RFC 9420 exporter). */
  exportSecret(label: string, context: string, length = 32): Promise<Uint8Array> {
    return mlsExporter(
      this.client.keySchedule.exporterSecret,
      `paracord ${label}`,
      utf8(context),
      length,
      this.cs,
    )
  }

  /** The group's public information for joiners: tree and external key, this epoch. */
  async groupInfo(): Promise<Uint8Array> {
    const info = await createGroupInfoWithExternalPubAndRatchetTree(this.client, [], this.cs)
    return encodeMlsMessage({ version: 'mls10', wireformat: 'mls_group_info', groupInfo: info })
  }

  /**
   * A commit of `change` (always with a fresh path for this device, so it also heals a leaked
   * leaf key). Checked against the same rules every peer applies: nothing is returned that
   * peers would refuse.
   */
  async commit(
    change: GroupChange,
  ): Promise<{ group: ServerGroup; message: Uint8Array; facts: CommitFacts }> {
    this.requireActive()
    const before = this.state
    const proposals: Proposal[] = []
    const removeUsers = new Set(change.removeUsers ?? [])
    const removedLeaves = new Set<number>()
    // Leave requests are committed by value: the library mishandles removals by reference
    // (receivers fail to open the path), and the rules accept either the same way.
    for (const leafIndex of change.state ? [] : this.leaving()) {
      proposals.push({ proposalType: 'remove', remove: { removed: leafIndex } })
      removedLeaves.add(leafIndex)
    }
    for (const leaf of this.leaves())
      if (
        (removeUsers.has(leaf.userId) || change.removeLeaves?.includes(leaf.leafIndex)) &&
        leaf.leafIndex !== this.ownLeafIndex() &&
        !removedLeaves.has(leaf.leafIndex)
      ) {
        proposals.push({ proposalType: 'remove', remove: { removed: leaf.leafIndex } })
        removedLeaves.add(leaf.leafIndex)
      }
    const remaining = new Set(this.leaves().map((leaf) => leaf.userId))
    // Profiles of users no longer in the group go with the next state change (rules.ts).
    // Removals and state changes travel in separate commits: the library encrypts the path of
    // a commit carrying both under a context its receivers do not share.
    const next = change.state ? tidy(change.state(before), remaining) : before
    if (proposals.length > 0 && canonicalJson(next) !== canonicalJson(before))
      throw new GroupError('refused', 'removals and state changes are committed separately')
    if (canonicalJson(next) !== canonicalJson(before))
      proposals.push({
        proposalType: 'group_context_extensions',
        groupContextExtensions: { extensions: [serverStateExtension(next)] },
      })
    const result = await createCommit(
      {
        state: { ...this.client, unappliedProposals: {} },
        cipherSuite: this.cs,
        pskIndex: emptyPskIndex,
      },
      { extraProposals: proposals, wireAsPublicMessage: true },
    )
    const group = new ServerGroup(result.newState, this.cs)
    const facts = this.factsOf(
      group,
      this.ownLeaf(),
      false,
      proposals.map((proposal) => ({ proposal, senderLeafIndex: this.ownLeafIndex() })),
    )
    const problem = commitProblem(facts)
    if (problem) throw new GroupError('refused', problem)
    return { group, message: encodeMlsMessage(result.commit), facts }
  }

  /** Proposals received and not yet committed (a member's leave). */
  pendingProposals(): number {
    return this.leaving().length
  }

  /** Leaves whose devices asked to leave (their own remove proposal) and are still here. */
  leaving(): number[] {
    const present = new Set(this.leaves().map((leaf) => leaf.leafIndex))
    const out = new Set<number>()
    for (const { proposal, senderLeafIndex } of Object.values(this.client.unappliedProposals))
      if (
        proposal.proposalType === 'remove' &&
        proposal.remove.removed === senderLeafIndex &&
        present.has(senderLeafIndex)
      )
        out.add(senderLeafIndex)
    return [...out]
  }

  /** This device's request to leave: a remove proposal any member may commit. */
  async leaveProposal(): Promise<Uint8Array> {
    this.requireActive()
    const { message } = await createProposal(
      this.client,
      true,
      { proposalType: 'remove', remove: { removed: this.ownLeafIndex() } },
      this.cs,
    )
    return encodeMlsMessage(message)
  }

  /**
   * Processes a handshake message from the server's log. A proposal is remembered (a new
   * group); a commit is checked by the library (signatures, tree, confirmation tag), then by
   * paracord's rules; either refusal throws GroupError('refused') and changes nothing.
   */
  async process(bytes: Uint8Array): Promise<Processed | { group: ServerGroup; proposal: true }> {
    this.requireActive()
    const message = asMls(bytes)
    if (message.wireformat !== 'mls_public_message')
      throw new GroupError('malformed', 'handshake messages travel as MLS public messages')
    const content = message.publicMessage.content
    if (toBase64Url(content.groupId) !== this.groupId)
      throw new GroupError('refused', 'a message of another group')
    if (Number(content.epoch) !== this.epoch)
      throw new GroupError(
        'stale',
        `a message of epoch ${content.epoch}, the group is at ${this.epoch}`,
      )
    // The rules first, from the commit as sent: a change no honest client takes is refused
    // before the library opens anything, so a forged commit cannot look like lost keys.
    if (content.contentType === 'commit') {
      const problem = this.precheck(content)
      if (problem) throw new GroupError('refused', problem)
    }
    let seen: ProposalWithSender[] = []
    let senderLeafIndex: number | undefined
    let result
    try {
      result = await processPublicMessage(
        this.client,
        message.publicMessage,
        emptyPskIndex,
        this.cs,
        (incoming) => {
          if (incoming.kind === 'commit') {
            seen = incoming.proposals
            senderLeafIndex = incoming.senderLeafIndex
          } else seen = [incoming.proposal]
          return 'accept'
        },
      )
    } catch (error) {
      // Signatures, tags and proposals check the same for every member; opening the path is
      // this device's own business, and failing there means its keys went out of step.
      if (
        !(error instanceof CryptoVerificationError) &&
        !(error instanceof ValidationError) &&
        !(error instanceof CodecError) &&
        content.contentType === 'commit'
      )
        throw new GroupError(
          'desync',
          `this device cannot open a change: ${(error as Error).message}`,
        )
      throw new GroupError('refused', `the message does not verify: ${(error as Error).message}`)
    }
    const next = new ServerGroup(result.newState, this.cs)
    if (content.contentType === 'proposal') {
      const proposal = seen[0]?.proposal
      // Only a member's own leave is ever proposed on its own.
      if (
        proposal?.proposalType !== 'remove' ||
        seen[0]!.senderLeafIndex !== proposal.remove.removed
      )
        throw new GroupError('refused', 'the only proposal a member may send is to leave')
      return { group: next, proposal: true }
    }
    if (content.contentType !== 'commit')
      throw new GroupError('refused', 'application data does not travel in the log')
    const external = senderLeafIndex === undefined
    const committerLeaf = external
      ? content.commit.path?.leafNode
      : this.client.ratchetTree[senderLeafIndex! * 2]?.nodeType === 'leaf'
        ? (
            this.client.ratchetTree[senderLeafIndex! * 2] as {
              leaf: Parameters<typeof leafView>[0]
            }
          ).leaf
        : undefined
    if (!committerLeaf) throw new GroupError('refused', 'a commit without a committer')
    const committerIndex = external
      ? next.leaves().find((l) => sameKey(l.signatureKey, committerLeaf.signaturePublicKey))
          ?.leafIndex
      : senderLeafIndex
    const committer = committerIndex === undefined ? null : leafView(committerLeaf, committerIndex)
    if (!committer) throw new GroupError('refused', 'the committer’s credential does not check out')
    const facts = this.factsOf(next, committer, external, seen)
    // A removed device no longer sees the new state, only who removed it: check that much.
    const problem = next.active ? commitProblem(facts) : removalProblem(facts)
    if (problem) throw new GroupError('refused', problem)
    return { group: next, facts, removedHere: !next.active }
  }

  /** Why every client refuses the commit as sent, before it is applied; null: go on. */
  private precheck(content: { sender: Sender; commit: Commit }): string | null {
    const beforeLeaves = this.leaves()
    const byIndex = new Map(beforeLeaves.map((leaf) => [leaf.leafIndex, leaf]))
    const external = content.sender.senderType === 'new_member_commit'
    let committer: LeafView | null
    if (content.sender.senderType === 'member')
      committer = byIndex.get(content.sender.leafIndex) ?? null
    else if (external)
      committer = content.commit.path ? leafView(content.commit.path.leafNode, -1) : null
    else return 'a commit from outside the group'
    if (!committer) return 'the committer’s credential does not check out'
    const proposals: ProposalFact[] = []
    let state = this.state
    const removed = new Set<number>()
    for (const entry of content.commit.proposals) {
      if (entry.proposalOrRefType !== 'proposal') return 'proposals by reference are not used'
      const proposal = entry.proposal
      if (proposal.proposalType === 'remove') removed.add(proposal.remove.removed)
      if (proposal.proposalType === 'group_context_extensions') {
        try {
          state = serverStateOf({
            ...this.client.groupContext,
            extensions: proposal.groupContextExtensions.extensions,
          })
        } catch (error) {
          return (error as Error).message
        }
      }
      proposals.push({
        kind: proposalKind(proposal),
        sender: external ? null : committer,
        ...(proposal.proposalType === 'remove'
          ? { removed: byIndex.get(proposal.remove.removed) }
          : {}),
      })
    }
    const leaves = beforeLeaves.filter((leaf) => !removed.has(leaf.leafIndex))
    return commitProblem({
      groupId: this.groupId,
      epoch: this.epoch,
      committer,
      external,
      leaving: this.leaving(),
      proposals,
      before: { state: this.state, leaves: beforeLeaves },
      after: { state, leaves: external ? [...leaves, committer] : leaves },
    })
  }

  private factsOf(
    next: ServerGroup,
    committer: LeafView,
    external: boolean,
    proposals: readonly ProposalWithSender[],
  ): CommitFacts {
    const beforeLeaves = this.leaves()
    const byIndex = new Map(beforeLeaves.map((leaf) => [leaf.leafIndex, leaf]))
    const facts: ProposalFact[] = proposals.map(({ proposal, senderLeafIndex }) => ({
      kind: proposalKind(proposal),
      sender: senderLeafIndex === undefined ? null : (byIndex.get(senderLeafIndex) ?? null),
      ...(proposal.proposalType === 'remove'
        ? { removed: byIndex.get(proposal.remove.removed) }
        : {}),
    }))
    let afterState: ServerState
    try {
      afterState = next.active ? next.state : this.state
    } catch {
      throw new GroupError('refused', 'the commit leaves the server state unreadable')
    }
    return {
      groupId: this.groupId,
      epoch: this.epoch,
      committer,
      external,
      leaving: this.leaving(),
      proposals: facts,
      before: { state: this.state, leaves: beforeLeaves },
      after: { state: afterState, leaves: next.leaves() },
    }
  }

  private requireActive(): void {
    if (!this.active) throw new GroupError('removed', 'this device was removed from the group')
  }
}

function tidy(state: ServerState, remaining: ReadonlySet<string>): ServerState {
  const gone = Object.keys(state.members).filter((id) => !remaining.has(id))
  const admins = state.admins.filter((id) => remaining.has(id) && state.members[id])
  if (gone.length === 0 && admins.length === state.admins.length) return state
  const members = { ...state.members }
  for (const id of gone) delete members[id]
  return { ...state, members, admins }
}

function sameKey(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

function proposalKind(proposal: Proposal): ProposalKind {
  const known: ProposalKind[] = [
    'add',
    'update',
    'remove',
    'psk',
    'reinit',
    'external_init',
    'group_context_extensions',
  ]
  return typeof proposal.proposalType === 'string' && known.includes(proposal.proposalType)
    ? proposal.proposalType
    : 'custom'
}
