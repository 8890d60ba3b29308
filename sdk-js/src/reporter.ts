import { listen, pageDocument } from './emitter.js';
import { HalyardError, toHalyardError } from './errors.js';
import { EventQueue, batchEvents } from './events.js';
import type { Transport } from './transport.js';
import { Timer } from './timing.js';

const POST_BATCH_EVENTS = 500;
const POST_BATCH_BYTES = 256 * 1024;
const BEACON_BATCH_BYTES = 60 * 1024; // browsers cap a page's in-flight beacons at 64 KiB

/** How much a Reporter holds and how often it sends (the client options of those names). */
export interface ReporterOptions {
  /** Events held at most while they cannot be sent. */
  eventQueueCapacity: number;
  /** Post every this many ms; 0 only on flush(), page hide and close(). */
  flushIntervalMs: number;
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
  readonly #transport: Transport;
  readonly #flushIntervalMs: number;
  readonly #onError: (error: HalyardError) => void;

  /** Sends through `transport`; failures go to `onError`. */
  constructor(transport: Transport, options: ReporterOptions, onError: (error: HalyardError) => void) {
    this.#transport = transport;
    this.#flushIntervalMs = options.flushIntervalMs;
    this.#onError = onError;
    this.queue = new EventQueue({ capacity: options.eventQueueCapacity, dedupeCapacity: 10_000, now: Date.now });
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
    if (this.#stopped || this.#flushIntervalMs === 0) return;
    this.#timer.schedule(this.#flushIntervalMs, () => {
      this.flush().finally(() => this.#scheduleFlush());
    });
  }

  async #sendQueued(): Promise<void> {
    const batches = batchEvents(this.queue.drain(), POST_BATCH_EVENTS, POST_BATCH_BYTES);
    for (let i = 0; i < batches.length; i++) {
      try {
        await this.#transport.postEvents(batches[i], this.#outbound.signal);
      } catch (error) {
        const status = error instanceof HalyardError ? error.status : undefined;
        // A 4xx other than 408/429 means the batch itself is refused: resending cannot help.
        const refused = status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;
        this.queue.requeue(batches.slice(refused ? i + 1 : i).flat());
        this.#onError(toHalyardError('events', error));
        return;
      }
    }
  }

  #listenForPageHide(): void {
    const doc = pageDocument();
    if (!doc) return;
    const removers = [
      listen(doc, 'visibilitychange', () => {
        if (doc.visibilityState === 'hidden') this.#beaconQueued();
      }),
      listen(globalThis, 'pagehide', () => this.#beaconQueued()),
    ];
    this.#removePageHideListeners = () => removers.forEach((remove) => remove());
  }

  /** Sends everything queued in a way that survives the page going away. */
  #beaconQueued(): void {
    for (const batch of batchEvents(this.queue.drain(), POST_BATCH_EVENTS, BEACON_BATCH_BYTES)) this.#transport.beaconEvents(batch);
  }
}
