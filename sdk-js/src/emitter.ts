/** A listener's return value is ignored; what it throws is reported, never propagated. */
export type Listener<T> = (payload: T) => void;

/**
 * A tiny typed event emitter. Unlike Node's, an `error` with no listener is
 * not thrown, and a throwing listener cannot break the SDK or its siblings.
 */
export class Emitter<Events> {
  readonly #listeners = new Map<keyof Events, Set<Listener<never>>>();

  /** Adds `listener` for `name`; returns a function that removes it. */
  on<K extends keyof Events>(name: K, listener: Listener<Events[K]>): () => void {
    let set = this.#listeners.get(name);
    if (!set) this.#listeners.set(name, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => this.off(name, listener);
  }

  /** Removes `listener` for `name` (no-op when absent). */
  off<K extends keyof Events>(name: K, listener: Listener<Events[K]>): void {
    this.#listeners.get(name)?.delete(listener as Listener<never>);
  }

  /** Calls every listener of `name` with `payload`. */
  emit<K extends keyof Events>(name: K, payload: Events[K]): void {
    for (const listener of [...(this.#listeners.get(name) ?? [])]) {
      try {
        (listener as Listener<Events[K]>)(payload);
      } catch (error) {
        reportListenerError(error);
      }
    }
  }

  /** Drops every listener. */
  clear(): void {
    this.#listeners.clear();
  }
}

/** The page's document, or undefined outside a page (Node, Deno, workers). */
export function pageDocument(): Document | undefined {
  const doc = (globalThis as { document?: Document }).document;
  return typeof doc?.addEventListener === 'function' && typeof globalThis.addEventListener === 'function' ? doc : undefined;
}

/** Adds `listener` for `type` on `target` (the page's window or document); returns what removes it. */
export function listen(target: EventTarget, type: string, listener: () => void): () => void {
  target.addEventListener(type, listener);
  return () => target.removeEventListener(type, listener);
}

function reportListenerError(error: unknown): void {
  // Browsers, Deno and workerd have reportError (the same path as an uncaught
  // exception, without unwinding us); Node 20 does not, so it gets a log line.
  const report = (globalThis as { reportError?: (e: unknown) => void }).reportError;
  if (report) report(error);
  else console.error('halyard: an event listener threw', error);
}
