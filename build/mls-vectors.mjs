// Regenerates src/core/mls/test-vectors/ from a folder holding the MLS working group's full
// interoperability test vectors (mlswg/mls-implementations, folder test-vectors/), keeping only
// what src/core/mls/interop.test.ts reads, so the filtering the repository relies on can be
// repeated and checked against the source.
//
//   node build/mls-vectors.mjs <folder of the full vectors> [--random-epochs <n>|all]
//
// Steps: (1) read each file the test uses, (2) keep the cases of the cipher suites paracord can
// speak (cases without a cipher suite are kept whole), (3) shorten the one long random passive
// client run to its first epochs, (4) write each as minified, gzipped JSON.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

/** 1 = X25519/AES-128-GCM/Ed25519 (the one suite of the random run), 3 = X25519/ChaCha20-Poly1305/Ed25519. */
const KEPT_SUITES = [1, 3]

/** The vector files the interop test reads. */
const VECTOR_FILES = [
  'tree-math',
  'deserialization',
  'crypto-basics',
  'secret-tree',
  'message-protection',
  'key-schedule',
  'psk_secret',
  'transcript-hashes',
  'welcome',
  'passive-client-welcome',
  'passive-client-handling-commit',
  'passive-client-random',
]

/**
 * The random run is 200 epochs (850 kB gzipped, ~11 s); its first 50 already hold every kind of
 * message in it (commits with and without a path, proposals by value and by reference, adds and
 * removes) and groups of 4 to 59 members.
 */
const DEFAULT_RANDOM_EPOCHS = 50

const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), '../src/core/mls/test-vectors')

/**
 * The cases of one file that the repository keeps.
 * @param {string} name file name without .json
 * @param {Array<Record<string, unknown>>} cases
 * @param {number} randomEpochs
 */
function keepCases(name, cases, randomEpochs) {
  const kept = cases.filter(
    (c) =>
      c.cipher_suite === undefined || KEPT_SUITES.includes(/** @type {number} */ (c.cipher_suite)),
  )
  if (name !== 'passive-client-random') return kept
  return kept.map((c) => ({
    ...c,
    epochs: /** @type {unknown[]} */ (c.epochs).slice(0, randomEpochs),
  }))
}

/** JSON numbers past 2^53 would change silently on the way through JSON.parse. */
function assertSafeNumbers(value, where) {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new Error(`${where}: ${value} is not a safe integer; it would not survive a copy`)
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) assertSafeNumbers(inner, `${where}.${key}`)
  }
}

function parseArgs(argv) {
  const [sourceDir, ...rest] = argv
  if (sourceDir === undefined || sourceDir.startsWith('--')) {
    throw new Error(
      'usage: node build/mls-vectors.mjs <folder of the full vectors> [--random-epochs <n>|all]',
    )
  }
  let randomEpochs = DEFAULT_RANDOM_EPOCHS
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] !== '--random-epochs') throw new Error(`unknown argument: ${rest[i]}`)
    const value = rest[++i]
    randomEpochs = value === 'all' ? Infinity : Number(value)
    if (!(randomEpochs > 0))
      throw new Error(`--random-epochs wants a positive count or "all", got ${value}`)
  }
  return { sourceDir, randomEpochs }
}

function main() {
  const { sourceDir, randomEpochs } = parseArgs(process.argv.slice(2))
  mkdirSync(OUT_DIR, { recursive: true })
  for (const name of VECTOR_FILES) {
    // 1. Read the full file.
    const cases = JSON.parse(readFileSync(join(sourceDir, `${name}.json`), 'utf8'))
    if (!Array.isArray(cases)) throw new Error(`${name}.json is not an array of cases`)
    // 2–3. Keep the suites paracord speaks; shorten the random run.
    const kept = keepCases(name, cases, randomEpochs)
    assertSafeNumbers(kept, name)
    // 4. Write it small; gzip's header carries no timestamp here, so reruns give identical bytes.
    const gz = gzipSync(JSON.stringify(kept), { level: 9 })
    writeFileSync(join(OUT_DIR, `${name}.json.gz`), gz)
    console.log(`${name}: ${kept.length} of ${cases.length} cases, ${gz.length} bytes`)
  }
}

try {
  main()
} catch (error) {
  console.error(error instanceof Error ? error.message : error)
  process.exitCode = 1
}
