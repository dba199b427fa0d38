// A minimal event emitter typed by an event → payload map, so listeners and emits cannot
// disagree on a payload's shape.

export type Listener<T> = (payload: T) => void

export class TypedEmitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>()

  /** @param onListenerError receives what a listener throws; the other listeners still run. */
  constructor(private readonly onListenerError: (error: unknown) => void = defaultReport) {}

  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    let set = this.listeners.get(event)
    if (!set) this.listeners.set(event, (set = new Set()))
    set.add(listener)
    return () => this.off(event, listener)
  }

  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    this.listeners.get(event)?.delete(listener)
  }

  protected emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.listeners.get(event) as Set<Listener<Events[K]>> | undefined
    if (!set) return
    // A copy, so a listener that removes itself does not skip its neighbour.
    for (const listener of [...set]) {
      try {
        listener(payload)
      } catch (error) {
        this.onListenerError(error)
      }
    }
  }
}

function defaultReport(error: unknown): void {
  console.error('event listener failed:', error)
}
