// How hard a new password is to guess, and the one rule for it: zxcvbn-ts matches it against
// common passwords, words, names, keyboard walks, dates, repeats and the user's own inputs, and
// estimates the guesses an attacker needs. The core refuses a password below the rule at
// registration and at a password change (never at login or unlock: an older account keeps
// working), and the window shows the same estimate while it is typed. Pure JavaScript, so both
// sides run the same code. The dictionaries are large (about 1.7 MB of JavaScript): they load on
// first use, in the renderer as a chunk of their own, never at import.
import type { OptionsType, ZxcvbnFactory } from '@zxcvbn-ts/core'

export const PASSWORD_MIN_LENGTH = 8

/**
 * zxcvbn's score 3: at least about 10^8 guesses, which Argon2id at the app's cost makes years of
 * work offline. Scores run 0 (trivially guessed) to 4 (at least about 10^10 guesses).
 */
export const PASSWORD_MIN_SCORE = 3

/** Words that are easy to guess for everyone who uses the app, besides the account name. */
const APP_WORDS = ['paracord']

export interface PasswordStrength {
  /** 0 (too short or trivially guessed) to 4 (strong), as zxcvbn scores it. */
  readonly score: 0 | 1 | 2 | 3 | 4
  /** Whether registration and a password change take it. */
  readonly acceptable: boolean
  readonly label: 'Empty' | 'Too short' | 'Weak' | 'Good' | 'Strong'
  /** What to do next, or why it is good; never repeats the label. */
  readonly hint: string
}

/** Rates `password`; `userInputs` (the account name) count as easy to guess. */
export type PasswordEstimator = (
  password: string,
  userInputs?: readonly string[],
) => PasswordStrength

let loading: Promise<PasswordEstimator> | null = null

/** The estimator, its dictionaries loaded on the first call (a failed load is tried again). */
export function loadPasswordEstimator(): Promise<PasswordEstimator> {
  loading ??= buildEstimator().catch((error: unknown) => {
    loading = null
    throw error
  })
  return loading
}

/** The line shown under a password field: "Weak. This is a commonly used password. …". */
export function strengthText(strength: PasswordStrength): string {
  return strength.label === 'Empty' ? strength.hint : `${strength.label}. ${strength.hint}`
}

/** Why a password is refused, in the same words on every host (the core's error message). */
export function weakPasswordMessage(strength: PasswordStrength): string {
  if (strength.label === 'Empty' || strength.label === 'Too short')
    return `The password is too short: use at least ${PASSWORD_MIN_LENGTH} characters.`
  return `The password is too easy to guess. ${strength.hint}`
}

async function buildEstimator(): Promise<PasswordEstimator> {
  const [{ ZxcvbnFactory }, common, english] = await Promise.all([
    import('@zxcvbn-ts/core'),
    import('@zxcvbn-ts/language-common'),
    import('@zxcvbn-ts/language-en'),
  ])
  const options: OptionsType = {
    dictionary: { ...common.dictionary, ...english.dictionary },
    graphs: common.adjacencyGraphs,
    translations: {
      ...english.translations,
      warnings: {
        ...english.translations.warnings,
        userInputs: 'Avoid using your account name in the password.',
      },
    },
  }
  const zxcvbn = new ZxcvbnFactory(options)
  return (password, userInputs = []) => rate(zxcvbn, password, userInputs)
}

/** The verdict on an empty or too short password, which needs no dictionary; null otherwise. */
export function lengthStrength(password: string): PasswordStrength | null {
  if (password.length === 0)
    return {
      score: 0,
      acceptable: false,
      label: 'Empty',
      hint: `Use at least ${PASSWORD_MIN_LENGTH} characters; a few unrelated words work well.`,
    }
  if ([...password].length < PASSWORD_MIN_LENGTH)
    return {
      score: 0,
      acceptable: false,
      label: 'Too short',
      hint: `Use at least ${PASSWORD_MIN_LENGTH} characters.`,
    }
  return null
}

function rate(
  zxcvbn: ZxcvbnFactory,
  password: string,
  userInputs: readonly string[],
): PasswordStrength {
  const tooShort = lengthStrength(password)
  if (tooShort !== null) return tooShort
  const { score, feedback } = zxcvbn.check(password, [...userInputs, ...APP_WORDS])
  if (score < PASSWORD_MIN_SCORE) {
    const advice = [feedback.warning, feedback.suggestions[0]].filter((s) => !!s)
    return {
      score,
      acceptable: false,
      label: 'Weak',
      hint: advice.length > 0 ? advice.join(' ') : 'Add a few more unrelated words.',
    }
  }
  if (score === 3)
    return {
      score,
      acceptable: true,
      label: 'Good',
      hint: 'Another word or two makes it stronger still.',
    }
  return { score, acceptable: true, label: 'Strong', hint: 'Very hard to guess.' }
}
