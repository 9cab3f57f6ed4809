import type { EventName, Events } from '../../shared/contract'

type Listener<E extends EventName> = (payload: Events[E]) => void

/** Events from the services to whoever shows them: the window (via IPC), the CLI, or a test. */
export class EventBus {
  private readonly listeners = new Map<EventName, Set<Listener<EventName>>>()

  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event)
    if (!set) this.listeners.set(event, (set = new Set()))
    set.add(listener as Listener<EventName>)
    return () => set.delete(listener as Listener<EventName>)
  }

  emit<E extends EventName>(event: E, payload: Events[E]): void {
    for (const l of this.listeners.get(event) ?? []) l(payload)
  }
}
