// Safety numbers are 60 digits; people compare them in 12 groups of 5.

export function groupSafetyNumber(digits: string): string[] {
  const clean = digits.replace(/\D/g, '')
  const groups: string[] = []
  for (let index = 0; index < clean.length; index += 5) groups.push(clean.slice(index, index + 5))
  return groups
}
