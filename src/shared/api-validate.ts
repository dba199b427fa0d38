// Validation of ParacordApi inputs at each boundary (IPC handler, web bridge, core entry), so a
// compromised or buggy caller gets a clear `invalid_input` error and nothing is touched.
import { Compile } from 'typebox/compile'
import type { TLocalizedValidationError } from 'typebox/error'
import { API_INPUTS, API_METHODS, ParacordError, type ApiInput, type ApiMethodName } from './api'
import { NAME_TEXT_PATTERN, nameTextProblem } from './name-text'

const validators = new Map(API_METHODS.map((m) => [m, Compile(API_INPUTS[m])] as const))

export function isApiMethod(name: unknown): name is ApiMethodName {
  return typeof name === 'string' && validators.has(name as ApiMethodName)
}

/** Returns the input typed for `method`, or throws ParacordError('invalid_input'). */
export function validateApiInput<M extends ApiMethodName>(method: M, input: unknown): ApiInput<M> {
  const validator = validators.get(method)
  if (!validator) throw new ParacordError('invalid_input', `unknown method ${String(method)}`)
  if (validator.Check(input)) return input as ApiInput<M>
  const first = validator.Errors(input)[0]
  const where = first?.instancePath
    ? first.instancePath.replace(/^\//, '').replaceAll('/', '.')
    : 'input'
  throw new ParacordError('invalid_input', `${method}: ${where} ${whyInvalid(first, input)}`)
}

/** The validator's words, except for a name: which character it may not carry, not a regex. */
function whyInvalid(error: TLocalizedValidationError | undefined, input: unknown): string {
  if (!error) return 'is invalid'
  if (error.keyword === 'pattern' && error.params.pattern === NAME_TEXT_PATTERN) {
    const value = valueAt(input, error.instancePath)
    const problem = typeof value === 'string' ? nameTextProblem(value) : null
    if (problem) return problem
  }
  return error.message
}

/** The value a JSON pointer such as "/profile/displayName" names in `input`. */
function valueAt(input: unknown, pointer: string): unknown {
  let value = input
  for (const step of pointer.split('/').slice(1)) {
    const key = step.replaceAll('~1', '/').replaceAll('~0', '~')
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined
    value = (value as Record<string, unknown>)[key]
  }
  return value
}
