import { HalyardError, toHalyardError } from './errors.js';
import { EventQueue, batchEvents } from './events.js';
import type { Transport } from './transport.js';
import { Timer } from './timing.js';

const POST_BATCH_EVENTS = 500;
const POST_BATCH_BYTES = 256 * 1024;
const BEACON_BATCH_BYTES = 60 * 1024; // browsers cap a page's in-flight beacons at 64 KiB

/** How a Reporter sends and whom it tells about failures. */
export interface ReporterOptions {
  transport: Transport;
  /** Events held at most while they cannot be sent. */
  capacity: number;
  /** Post every this many ms; 0 only on flush(), page hide and close(). */
  flushIntervalMs: number;
  onError: (error: HalyardError) => void;
}

/**
 * Owns the event queue and gets its content to the events endpoint: on an
 * interval, on `flush()`, and with `sendBeacon` when a page is hidden.
 * Failed batches go back in the (bounded) queue unless the server refused them.
 */
export class Reporter {
  /** Where evaluations and `track` calls are recorded. */
  readonly queue: EventQueue;
  readonly #timer = new Timer();
  readonly #outbound = new AbortController();
  #flushing: Promise<void> = Promise.resolve();
  #removePageHideListeners: (() => void) | undefined;
  #stopped = false;
  readonly #options: ReporterOptions;

  constructor(options: ReporterOptions) {
    this.#options = options;
    this.queue = new EventQueue({ capacity: options.capacity, dedupeCapacity: 10_000, now: Date.now });
  }

  /** Starts the flush interval and, in a browser, the page-hide beacon. */
  start(): void {
    this.#scheduleFlush();
    this.#listenForPageHide();
  }

  /** Posts everything queued; serialized with any flush in flight. Never rejects. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.#sendQueued());
    return this.#flushing;
  }

  /** Stops the interval and listeners, sends what is queued one last time, then aborts what is left. */
  async close(): Promise<void> {
    this.#stopped = true;
    this.#timer.cancel();
    this.#removePageHideListeners?.();
    await this.flush();
    this.#outbound.abort();
  }

  #scheduleFlush(): void {
    if (this.#stopped || this.#options.flushIntervalMs === 0) return;
    this.#timer.schedule(this.#options.flushIntervalMs, () => {
      this.flush().finally(() => this.#scheduleFlush());
    });
  }

  async #sendQueued(): Promise<void> {
    const batches = batchEvents(this.queue.drain(), POST_BATCH_EVENTS, POST_BATCH_BYTES);
    for (let i = 0; i < batches.length; i++) {
      try {
        await this.#options.transport.postEvents(batches[i], this.#outbound.signal);
      } catch (error) {
        const status = error instanceof HalyardError ? error.status : undefined;
        // A 4xx other than 408/429 means the batch itself is refused: resending cannot help.
        const refused = status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;
        this.queue.requeue(batches.slice(refused ? i + 1 : i).flat());
        this.#options.onError(toHalyardError('events', error));
        return;
      }
    }
  }

  #listenForPageHide(): void {
    const doc = (globalThis as { document?: Document }).document;
    const win = globalThis as unknown as Partial<Window>;
    if (!doc?.addEventListener || !win.addEventListener) return;
    const onVisibility = () => {
      if (doc.visibilityState === 'hidden') this.#beaconQueued();
    };
    const onPageHide = () => this.#beaconQueued();
    doc.addEventListener('visibilitychange', onVisibility);
    win.addEventListener('pagehide', onPageHide);
    this.#removePageHideListeners = () => {
      doc.removeEventListener('visibilitychange', onVisibility);
      win.removeEventListener?.('pagehide', onPageHide);
    };
  }

  /** Sends everything queued in a way that survives the page going away. */
  #beaconQueued(): void {
    const { transport } = this.#options;
    for (const batch of batchEvents(this.queue.drain(), POST_BATCH_EVENTS, BEACON_BATCH_BYTES)) {
      if (!transport.beaconEvents(batch)) transport.postEventsKeepalive(batch);
    }
  }
}
