// A password-strength hint for registration: a rough estimate that nudges towards length, the
// one thing that matters most against guessing, and flags the obvious mistakes.

export const PASSWORD_MIN_LENGTH = 8

export interface PasswordStrength {
  /** 0 (unusable) to 4 (strong). */
  readonly score: 0 | 1 | 2 | 3 | 4
  readonly label: string
  readonly hint: string
}

const COMMON = [
  'password',
  'paracord',
  'qwerty',
  '123456',
  '111111',
  'letmein',
  'iloveyou',
  'admin',
  'welcome',
]

export function passwordStrength(password: string, name = ''): PasswordStrength {
  if (password.length === 0) {
    return {
      score: 0,
      label: 'Empty',
      hint: `Use at least ${PASSWORD_MIN_LENGTH} characters; a few unrelated words work well.`,
    }
  }
  if (password.length < PASSWORD_MIN_LENGTH) {
    return { score: 0, label: 'Too short', hint: `Use at least ${PASSWORD_MIN_LENGTH} characters.` }
  }
  const lower = password.toLowerCase()
  if (name.length >= 3 && lower.includes(name.toLowerCase())) {
    return { score: 1, label: 'Weak', hint: 'Avoid using your account name in the password.' }
  }
  if (COMMON.some((word) => lower.includes(word)) || /^(.)\1+$/.test(password)) {
    return {
      score: 1,
      label: 'Weak',
      hint: 'This is a commonly guessed password. Try a few unrelated words.',
    }
  }
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((pattern) =>
    pattern.test(password),
  ).length
  const points =
    (password.length >= 12 ? 2 : 1) +
    (password.length >= 16 ? 1 : 0) +
    (password.length >= 20 ? 1 : 0) +
    (classes >= 3 ? 1 : 0)
  if (points >= 4) return { score: 4, label: 'Strong', hint: 'Strong password.' }
  if (points === 3)
    return { score: 3, label: 'Good', hint: 'Good. A little longer makes it stronger still.' }
  if (points === 2)
    return { score: 2, label: 'Fair', hint: 'Fair. Longer is stronger: try 16 characters or more.' }
  return { score: 1, label: 'Weak', hint: 'Weak. Make it longer or mix in numbers and symbols.' }
}
