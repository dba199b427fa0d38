// Validation of ParacordApi inputs at each boundary (IPC handler, web bridge, core entry), so a
// compromised or buggy caller gets a clear `invalid_input` error and nothing is touched.
import { Compile } from 'typebox/compile'
import { API_INPUTS, API_METHODS, ParacordError, type ApiInput, type ApiMethodName } from './api'

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
  throw new ParacordError('invalid_input', `${method}: ${where} ${first?.message ?? 'is invalid'}`)
}
