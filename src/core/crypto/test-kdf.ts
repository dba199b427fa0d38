// The one fast KDF for tests: the cheapest Argon2id parameters the KDF accepts, since tests
// derive keys many times (every register, login, unlock and password check).
import type { KdfParams } from '../../shared/protocol'

export const TEST_KDF: KdfParams = { alg: 'argon2id13', opsLimit: 2, memLimit: 64 * 1024 * 1024 }
