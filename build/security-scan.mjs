// The static security scan of the Electron code: @doyensec/electronegativity over src/, with
// every remaining finding explained in security-findings.json. Fails on a finding that is not
// explained there, and on an explanation whose finding is gone, so the list stays exact.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)
const electronVersion = require('electron/package.json').version
const scanner = join(root, 'node_modules/.bin/electronegativity')
const explained = JSON.parse(readFileSync(join(root, 'build/security-findings.json'), 'utf8'))

const out = mkdtempSync(join(tmpdir(), 'paracord-scan-'))
const sarif = join(out, 'electronegativity.sarif')
const args = ['-i', join(root, 'src'), '-r', '-v', 'false', '-e', electronVersion, '-o', sarif]
// The scanner looks up translations and Electron releases online; in a network namespace of
// its own (where one can be made) those look-ups fail at once and nothing leaves the machine.
const isolated = spawnSync('unshare', ['-n', 'true']).status === 0
const run = isolated
  ? spawnSync('unshare', ['-n', scanner, ...args], { encoding: 'utf8' })
  : spawnSync(scanner, args, { encoding: 'utf8' })
if (run.status !== 0) {
  process.stderr.write(`${run.stdout ?? ''}${run.stderr ?? ''}\nelectronegativity failed to run\n`)
  process.exit(1)
}

const results = JSON.parse(readFileSync(sarif, 'utf8')).runs[0].results
rmSync(out, { recursive: true, force: true })

const key = (check, file) => `${check} ${file}`
const found = new Map()
for (const result of results) {
  const file = result.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? '?'
  const line = result.locations?.[0]?.physicalLocation?.region?.startLine ?? 0
  const k = key(result.ruleId, file)
  found.set(k, [...(found.get(k) ?? []), `${file}:${line} ${result.message.text}`])
}

const problems = []
for (const [k, lines] of found) {
  const entry = explained.findings.find((finding) => key(finding.check, finding.file) === k)
  if (!entry) problems.push(`unexplained: ${k}\n    ${lines.join('\n    ')}`)
  else if (entry.count !== lines.length)
    problems.push(
      `${k}: ${lines.length} finding(s), ${entry.count} explained\n    ${lines.join('\n    ')}`,
    )
  else console.log(`explained  ${k} (${lines.length})\n    ${entry.reason}`)
}
for (const entry of explained.findings) {
  if (!found.has(key(entry.check, entry.file)))
    problems.push(`stale explanation (no such finding now): ${key(entry.check, entry.file)}`)
}

const total = results.length
if (problems.length > 0) {
  console.error(`\n${problems.join('\n')}`)
  console.error(
    `\nelectronegativity: ${total} finding(s), ${problems.length} problem(s): fix the code or explain the finding in build/security-findings.json`,
  )
  process.exit(1)
}
console.log(`electronegativity: ${total} finding(s), all explained in build/security-findings.json`)
