/** The longest wait between retries, of the datafile fetch and of the stream. */
export const MAX_BACKOFF_MS = 60_000;

/**
 * Exponential backoff with jitter: the nth consecutive failure waits between
 * half and all of `min(maxMs, baseMs * 2^(n-1))`. Half is kept fixed so a
 * retry never fires at once, and the random half spreads a fleet of clients
 * that lost the server at the same moment.
 */
export function backoffDelay(failures: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 30);
  const ceiling = Math.min(maxMs, baseMs * 2 ** exponent);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** A signal that aborts when `parent` does or after `ms`; call `clear()` when the request is done. */
export function timeoutSignal(parent: AbortSignal | undefined, ms: number): { signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  const abort = () => controller.abort(parent?.reason);
  const timer = setTimeout(() => controller.abort(new Error(`timed out after ${ms} ms`)), ms);
  if (parent?.aborted) abort();
  else parent?.addEventListener('abort', abort, { once: true });
  return {
    signal: controller.signal,
    clear() {
      clearTimeout(timer);
      parent?.removeEventListener('abort', abort);
    },
  };
}

/** A one-shot timer that can be re-armed and cancelled; at most one pending callback. */
export class Timer {
  #handle: ReturnType<typeof setTimeout> | undefined;

  /** Cancels any pending run and runs `callback` after `ms`. */
  schedule(ms: number, callback: () => void): void {
    this.cancel();
    this.#handle = setTimeout(() => {
      this.#handle = undefined;
      callback();
    }, ms);
  }

  /** Cancels the pending run, if any. */
  cancel(): void {
    if (this.#handle !== undefined) clearTimeout(this.#handle);
    this.#handle = undefined;
  }
}

/** Resolves after `ms`, or early (without error) when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
