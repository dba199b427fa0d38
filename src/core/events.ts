// The core's events: exactly the ApiEvents of the contract, emitted by the services and
// forwarded by every transport (IPC, web bridge, CLI).
import type { ApiEvents } from '../shared/api'
import { TypedEmitter } from './net/typed-emitter'

export class CoreEvents extends TypedEmitter<ApiEvents> {
  override emit<K extends keyof ApiEvents>(event: K, payload: ApiEvents[K]): void {
    super.emit(event, payload)
  }
}
