// The local profile folder of each account on this device:
//   <dataDir>/profiles/<first 16 chars of the handle>/profile.json   who, where, salt, sealed vault
//   <dataDir>/profiles/<...>/cache.db                                 the encrypted LocalCache
//   <dataDir>/last-account.json                                       which profile the app opens locked
//   <dataDir>/last-server.json                                        the server chosen last, offered next
// The password never touches disk and the vault stays sealed: with the salt and KDF parameters
// beside it, a known account can unlock offline, and nothing here opens without the password.
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeSync,
} from 'node:fs'
import { join } from 'node:path'
import { Type, type Static } from 'typebox'
import { Compile } from 'typebox/compile'
import { BackendChoiceSchema, type BackendChoice } from '../../shared/api'
import { Enclave, Handle, Id, KdfParams } from '../../shared/protocol'

const PROFILES = 'profiles'
const PROFILE_FILE = 'profile.json'
const CACHE_FILE = 'cache.db'
const LAST_ACCOUNT_FILE = 'last-account.json'
const LAST_BACKEND_FILE = 'last-server.json'
/** Folder names are a prefix of the handle: short, filesystem-safe, and still unique in practice. */
const FOLDER_CHARS = 16

export const StoredProfile = Type.Object(
  {
    v: Type.Literal(1),
    /** The normalised login name (shown on the lock screen; never sent to the server). */
    name: Type.String({ minLength: 1 }),
    handle: Handle,
    accountId: Id,
    /** The identity's user id (public), shown while locked. */
    userId: Type.String({ pattern: '^[A-Za-z0-9_-]{22}$' }),
    /** Where the account lives (backend-choice.ts). Every profile written now has it. */
    server: Type.Optional(BackendChoiceSchema),
    /** Profiles from before the server picker: the URL they were registered at, instead of `server`. */
    serverUrl: Type.Optional(Type.String({ minLength: 1 })),
    salt: Type.String({ pattern: '^[A-Za-z0-9_-]{22}$' }),
    kdf: KdfParams,
    /**
     * The latest known vault enclave, ciphertext as the server holds it. Its version is this
     * device's high-water mark: a vault the server offers below it (or relabelled) is refused.
     */
    vault: Enclave,
    /** Set when the server refused this device's login key (password changed or account deleted elsewhere). */
    signInRequired: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)
export type StoredProfile = Static<typeof StoredProfile>

const LastAccount = Type.Object({ handle: Handle }, { additionalProperties: false })
const LastBackend = Type.Object({ backend: BackendChoiceSchema }, { additionalProperties: false })
const checkProfile = Compile(StoredProfile)
const checkLastAccount = Compile(LastAccount)
const checkLastBackend = Compile(LastBackend)

export class ProfileFormatError extends Error {
  override readonly name = 'ProfileFormatError'
}

export class ProfileStore {
  constructor(readonly dataDir: string) {}

  /** The folder of the account with this handle. */
  folderOf(handle: string): string {
    return join(this.dataDir, PROFILES, handle.slice(0, FOLDER_CHARS))
  }

  cachePathOf(handle: string): string {
    return join(this.folderOf(handle), CACHE_FILE)
  }

  /** Writes profile.json atomically (temp file, fsync, rename), readable by this user only. */
  write(profile: StoredProfile): void {
    requireProfile(profile)
    const folder = this.folderOf(profile.handle)
    mkdirSync(folder, { recursive: true, mode: 0o700 })
    writeFileAtomic(join(folder, PROFILE_FILE), JSON.stringify(profile, null, 2) + '\n')
  }

  /** The profile of `handle`, or null if there is none; throws ProfileFormatError if damaged. */
  read(handle: string): StoredProfile | null {
    const path = join(this.folderOf(handle), PROFILE_FILE)
    if (!existsSync(path)) return null
    const profile = parseProfile(readFileSync(path, 'utf8'), path)
    // A handle sharing the folder prefix is a different account.
    return profile.handle === handle ? profile : null
  }

  /** Every readable profile on this device; damaged ones are skipped, not fatal. */
  list(): StoredProfile[] {
    const root = join(this.dataDir, PROFILES)
    if (!existsSync(root)) return []
    const profiles: StoredProfile[] = []
    for (const entry of readdirSync(root, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue
      const path = join(root, entry.name, PROFILE_FILE)
      try {
        if (existsSync(path)) profiles.push(parseProfile(readFileSync(path, 'utf8'), path))
      } catch (error) {
        if (!(error instanceof ProfileFormatError)) throw error
      }
    }
    return profiles.sort((a, b) => a.name.localeCompare(b.name))
  }

  /** The profile whose normalised login name is `name`, if any. */
  findByName(name: string): StoredProfile | null {
    return this.list().find((profile) => profile.name === name) ?? null
  }

  /** Deletes the account's folder (profile, cache and its WAL files); forgets it as last account. */
  remove(handle: string): void {
    rmSync(this.folderOf(handle), { recursive: true, force: true })
    if (this.lastAccountHandle() === handle) this.clearLastAccount()
  }

  /** The handle of the profile used last, if it still exists. */
  lastAccountHandle(): string | null {
    const path = join(this.dataDir, LAST_ACCOUNT_FILE)
    if (!existsSync(path)) return null
    try {
      const value: unknown = JSON.parse(readFileSync(path, 'utf8'))
      return checkLastAccount.Check(value) ? value.handle : null
    } catch {
      return null
    }
  }

  /** The profile the app should open (locked) on start. */
  lastAccount(): StoredProfile | null {
    const handle = this.lastAccountHandle()
    if (handle === null) return null
    try {
      return this.read(handle)
    } catch (error) {
      if (error instanceof ProfileFormatError) return null
      throw error
    }
  }

  setLastAccount(handle: string): void {
    mkdirSync(this.dataDir, { recursive: true, mode: 0o700 })
    writeFileAtomic(join(this.dataDir, LAST_ACCOUNT_FILE), JSON.stringify({ handle }) + '\n')
  }

  clearLastAccount(): void {
    rmSync(join(this.dataDir, LAST_ACCOUNT_FILE), { force: true })
  }

  /** The server an account was last registered on or signed in to here; kept after logout. */
  lastBackend(): BackendChoice | null {
    const path = join(this.dataDir, LAST_BACKEND_FILE)
    if (!existsSync(path)) return null
    try {
      const value: unknown = JSON.parse(readFileSync(path, 'utf8'))
      return checkLastBackend.Check(value) ? value.backend : null
    } catch {
      return null
    }
  }

  setLastBackend(backend: BackendChoice): void {
    mkdirSync(this.dataDir, { recursive: true, mode: 0o700 })
    writeFileAtomic(join(this.dataDir, LAST_BACKEND_FILE), JSON.stringify({ backend }) + '\n')
  }
}

function parseProfile(text: string, path: string): StoredProfile {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new ProfileFormatError(`${path} is not JSON`)
  }
  if (!checkProfile.Check(value)) {
    const first = checkProfile.Errors(value)[0]
    throw new ProfileFormatError(
      `${path}: ${first?.instancePath || '/'} ${first?.message ?? 'invalid'}`,
    )
  }
  if (!namesServer(value)) throw new ProfileFormatError(`${path}: names no server`)
  return value
}

const namesServer = (profile: StoredProfile): boolean =>
  profile.server !== undefined || profile.serverUrl !== undefined

function requireProfile(profile: StoredProfile): void {
  if (!checkProfile.Check(profile)) {
    const first = checkProfile.Errors(profile)[0]
    throw new ProfileFormatError(
      `refusing to write a malformed profile: ${first?.instancePath || '/'} ${first?.message ?? ''}`,
    )
  }
  if (!namesServer(profile))
    throw new ProfileFormatError('refusing to write a profile that names no server')
}

/** Write to a temporary file beside the target, fsync it, rename over the target, fsync the folder. */
function writeFileAtomic(path: string, text: string): void {
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`
  const fd = openSync(temp, 'w', 0o600)
  try {
    writeSync(fd, text)
    fsyncSync(fd)
  } catch (error) {
    closeSync(fd)
    unlinkSync(temp)
    throw error
  }
  closeSync(fd)
  try {
    renameSync(temp, path)
  } catch (error) {
    rmSync(temp, { force: true })
    throw error
  }
  syncFolder(join(path, '..'))
}

/** Makes the rename itself durable; some platforms cannot open a folder, which is fine there. */
function syncFolder(folder: string): void {
  let fd: number | undefined
  try {
    fd = openSync(folder, 'r')
    fsyncSync(fd)
  } catch {
    // Windows cannot fsync a directory; the rename is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}
