// A ParacordApi for view tests: the methods a test gives, and a rejection naming any other one
// the view calls, so a test never passes by accident on a method it did not mean to allow.
import type { ParacordApi } from '../../../shared/api'
import { setApi } from './api'

/** Deferred: a promise the test settles when it wants to, to see the view while it waits. */
export function deferred<T>() {
  let resolve: (value: T) => void = () => {}
  let reject: (reason: unknown) => void = () => {}
  const promise = new Promise<T>((yes, no) => {
    resolve = yes
    reject = no
  })
  return { promise, resolve, reject }
}

/** Installs an API made of `methods`; returns it so tests can read the calls. */
export function installApi<M extends Partial<ParacordApi>>(methods: M): M {
  const api = new Proxy(methods, {
    get: (target, name: string) =>
      (target as Record<string, unknown>)[name] ??
      (() => Promise.reject(new Error(`the test gave no ${name}`))),
  })
  setApi(api as unknown as ParacordApi)
  return methods
}
