// What a name or a status may contain: server, channel and display names, and statuses. They are
// shown to every member and come from other members' commits, so the app's input check
// (api.ts) and the group's commit rules (core/mls/rules.ts) both refuse, with this one list,
// the characters that let a name disguise itself or break the text around it.
//
// The list names code points, not Unicode properties (`\p{Cf}`): every client must judge a
// commit alike, and a property's members change with the Unicode version of each runtime.
//
// Allowed on purpose: U+200D ZERO WIDTH JOINER, which builds emoji sequences (👩‍👩‍👧) and
// some scripts' letter forms, and U+200C ZERO WIDTH NON-JOINER, which Persian, Kurdish and
// Indic scripts need inside ordinary words. Either can make two Latin names look alike, but so
// can look-alike letters, which no character list stops: members are told apart by their
// safety numbers, not by their names. Variation selectors and tag characters stay too (emoji
// presentation, subdivision flags).

type Kind = 'control' | 'line' | 'bidi' | 'invisible'

/** [first, last, kind]: inclusive ranges of refused code points, all in the BMP. */
const REFUSED: readonly (readonly [number, number, Kind])[] = [
  [0x0000, 0x001f, 'control'], // C0 controls: NUL, tab, newline, escape…
  [0x007f, 0x009f, 'control'], // DEL and the C1 controls
  [0x00ad, 0x00ad, 'invisible'], // soft hyphen
  [0x061c, 0x061c, 'bidi'], // Arabic letter mark
  [0x115f, 0x1160, 'invisible'], // Hangul fillers
  [0x180e, 0x180e, 'invisible'], // Mongolian vowel separator
  [0x200b, 0x200b, 'invisible'], // zero width space
  [0x200e, 0x200f, 'bidi'], // left-to-right and right-to-left marks
  [0x2028, 0x2029, 'line'], // line and paragraph separators
  [0x202a, 0x202e, 'bidi'], // embeddings, pop, overrides
  [0x2060, 0x2064, 'invisible'], // word joiner, invisible operators
  [0x2066, 0x2069, 'bidi'], // isolates
  [0x206a, 0x206f, 'invisible'], // deprecated format characters
  [0x3164, 0x3164, 'invisible'], // Hangul filler
  [0xfeff, 0xfeff, 'invisible'], // zero width no-break space (byte order mark)
  [0xffa0, 0xffa0, 'invisible'], // halfwidth Hangul filler
  [0xfff9, 0xfffb, 'invisible'], // interlinear annotation
]

const WHAT: Readonly<Record<Kind, string>> = {
  control: 'a control character',
  line: 'a line break',
  bidi: 'a direction control, which can reorder the text around it',
  invisible: 'an invisible character',
}

const escape = (code: number) => `\\u${code.toString(16).padStart(4, '0')}`

const REFUSED_CLASS = REFUSED.map(([first, last]) =>
  first === last ? escape(first) : `${escape(first)}-${escape(last)}`,
).join('')

/**
 * A JSON-schema pattern for text free of refused characters, for the API's schemas. Written
 * with \u escapes of BMP code points only, so it means the same with or without the u flag.
 */
export const NAME_TEXT_PATTERN = `^[^${REFUSED_CLASS}]*$`

const FIRST_REFUSED = new RegExp(`[${REFUSED_CLASS}]`)

/** U+202E, as Unicode writes a code point. */
function codePointName(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`
}

/**
 * Why `text` cannot be a name or status, e.g. "contains U+202E, a direction control, which
 * can reorder the text around it"; null when it may. Lengths are checked where they are set.
 */
export function nameTextProblem(text: string): string | null {
  const found = FIRST_REFUSED.exec(text)
  if (!found) return null
  const code = found[0].charCodeAt(0)
  const kind = REFUSED.find(([first, last]) => code >= first && code <= last)![2]
  return `contains ${codePointName(code)}, ${WHAT[kind]}`
}
