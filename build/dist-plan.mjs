// The decisions of `npm run dist` and dist:linux/win/mac (build/dist.mjs), kept free of side
// effects so src/main/dist-plan.test.ts can check them.
//
// A development build (the default) signs if the signing environment happens to be there and
// otherwise comes out unsigned, with no update feed: it never looks for updates.
// A release build (PARACORD_RELEASE=1) is what gets published. It refuses to start unless the
// target platform's signing (and, for macOS, notarization) credentials and an HTTPS update feed
// are in the environment, tells electron-builder to fail rather than produce an unsigned app
// (forceCodeSigning), and records in the app that it is a signed release with that feed
// (src/main/updater.ts reads both; nothing at run time can change them).

export const RELEASE_ENV = 'PARACORD_RELEASE'
export const UPDATE_URL_ENV = 'PARACORD_UPDATE_URL'

const PLATFORM_FLAGS = { '--linux': 'linux', '--win': 'win32', '--mac': 'darwin' }
const BUILDER_FLAG = { linux: '--linux', win32: '--win', darwin: '--mac' }

const set = (env, name) => typeof env[name] === 'string' && env[name].trim() !== ''
const allSet = (env, names) => names.every((name) => set(env, name))

/** Same rule as updateFeedUrl in src/main/policy/updates.ts (a test holds them together). */
export function releaseFeedUrl(text) {
  let url
  try {
    url = new URL(String(text).trim())
  } catch {
    return null
  }
  if (url.protocol !== 'https:' || url.hostname === '') return null
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '')
    return null
  return url.href
}

const NOTARIZATION_SETS = [
  ['APPLE_API_KEY', 'APPLE_API_KEY_ID', 'APPLE_API_ISSUER'],
  ['APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID'],
  ['APPLE_KEYCHAIN', 'APPLE_KEYCHAIN_PROFILE'],
]

/** What a release build for `platform` lacks, in words; empty when it can go ahead. */
export function releaseProblems(platform, env) {
  const problems = []
  if (releaseFeedUrl(env[UPDATE_URL_ENV] ?? '') === null)
    problems.push(
      `${UPDATE_URL_ENV} must be the HTTPS folder the update feed is served from ` +
        '(no credentials, query or fragment)',
    )
  if (platform === 'win32') {
    const certificate = set(env, 'WIN_CSC_LINK') || set(env, 'CSC_LINK')
    const password = set(env, 'WIN_CSC_KEY_PASSWORD') || set(env, 'CSC_KEY_PASSWORD')
    if (!certificate || !password)
      problems.push(
        'Windows signing needs WIN_CSC_LINK and WIN_CSC_KEY_PASSWORD ' +
          '(or CSC_LINK and CSC_KEY_PASSWORD): the code-signing certificate and its password',
      )
  }
  if (platform === 'darwin') {
    if (!allSet(env, ['CSC_LINK', 'CSC_KEY_PASSWORD']) && !set(env, 'CSC_NAME'))
      problems.push(
        'macOS signing needs CSC_LINK and CSC_KEY_PASSWORD (a Developer ID Application ' +
          'certificate) or CSC_NAME (its name in the keychain)',
      )
    if (!NOTARIZATION_SETS.some((names) => allSet(env, names)))
      problems.push(
        'macOS notarization needs APPLE_API_KEY, APPLE_API_KEY_ID and APPLE_API_ISSUER ' +
          '(or APPLE_ID, APPLE_APP_SPECIFIC_PASSWORD and APPLE_TEAM_ID, or APPLE_KEYCHAIN ' +
          'and APPLE_KEYCHAIN_PROFILE)',
      )
  }
  return problems
}

/** What to run for `npm run dist…` (types in dist-plan.d.mts). */
export function distPlan({ argv, env, hostPlatform }) {
  const flags = argv.filter((argument) => argument in PLATFORM_FLAGS)
  const unknown = argv.filter((argument) => !(argument in PLATFORM_FLAGS))
  if (unknown.length > 0 || flags.length > 1)
    return {
      ok: false,
      problems: [`usage: node build/dist.mjs [--linux | --win | --mac]; got ${argv.join(' ')}`],
    }
  const platform = flags.length === 1 ? PLATFORM_FLAGS[flags[0]] : hostPlatform
  if (!(platform in BUILDER_FLAG))
    return { ok: false, problems: [`no installers are built for platform "${platform}"`] }

  const releaseValue = env[RELEASE_ENV] ?? ''
  if (releaseValue !== '' && releaseValue !== '0' && releaseValue !== '1')
    return { ok: false, problems: [`${RELEASE_ENV} must be 1 (a release build) or unset`] }
  const release = releaseValue === '1'

  if (release) {
    const problems = releaseProblems(platform, env)
    if (problems.length > 0) return { ok: false, release, platform, problems }
  }
  const feed = release ? releaseFeedUrl(env[UPDATE_URL_ENV]) : ''
  return {
    ok: true,
    release,
    platform,
    steps: [
      {
        command: 'npx',
        args: ['electron-vite', 'build'],
        // Set either way, so a stray variable cannot make a development build look released.
        env: {
          MAIN_VITE_PARACORD_RELEASE: release ? '1' : '',
          MAIN_VITE_PARACORD_UPDATE_URL: feed,
        },
      },
      {
        command: 'npx',
        args: [
          'electron-builder',
          BUILDER_FLAG[platform],
          '--publish',
          'never',
          ...(release ? ['-c.forceCodeSigning=true'] : []),
        ],
        // electron-builder.yml names the feed as ${env.PARACORD_UPDATE_URL}, which must exist.
        env: { [UPDATE_URL_ENV]: feed },
      },
    ],
  }
}
