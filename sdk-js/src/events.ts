/** First exposure of a user to a flag's variation (deduplicated per client). */
export interface ImpressionEvent {
  type: 'impression';
  flagKey: string;
  variation: string;
  ruleId: string | null;
  userKey: string | null;
  timestamp: number;
}

/** How many evaluations served `variation` of `flagKey` between two timestamps. */
export interface SummaryEvent {
  type: 'summary';
  flagKey: string;
  variation: string;
  count: number;
  startTimestamp: number;
  endTimestamp: number;
}

/** A `track()` call. */
export interface CustomEvent {
  type: 'custom';
  eventKey: string;
  value?: number;
  userKey: string | null;
  timestamp: number;
}

/** One element of the events endpoint's `events` array. */
export type SdkEvent = ImpressionEvent | SummaryEvent | CustomEvent;

/** Limits of an EventQueue. */
export interface EventQueueOptions {
  /** Events held at most; beyond it the oldest are dropped (and counted). */
  capacity: number;
  /** Distinct (user, flag, variation) triples remembered for impression dedupe. */
  dedupeCapacity: number;
  now: () => number;
}

/** Evaluation count of one flag variation, plus the last user seen with it. */
interface Count {
  count: number;
  lastUser: string | null | typeof NOBODY;
}

const NOBODY = Symbol('nobody');

/**
 * Holds impressions, evaluation counts and custom events until they are
 * sent. Bounded: an app that stays offline loses its oldest events, never
 * its memory.
 */
export class EventQueue {
  #queue: SdkEvent[] = [];
  readonly #seen = new Set<string>();
  // flagKey → variation → count: nested maps so that the hot path allocates nothing.
  readonly #counts = new Map<string, Map<string, Count>>();
  #countsSince = 0;
  #droppedCount = 0;
  readonly #options: EventQueueOptions;

  constructor(options: EventQueueOptions) {
    this.#options = options;
  }

  /** Events waiting to be sent (evaluation counts not yet summarized excluded). */
  get size(): number {
    return this.#queue.length;
  }

  /** Events dropped so far because the queue was full. */
  get dropped(): number {
    return this.#droppedCount;
  }

  /**
   * Records one evaluation: always counted, an impression the first time
   * this user sees this variation. Runs on every evaluation, so the common
   * case (same user as last time) is two map lookups and an increment.
   */
  recordEvaluation(flagKey: string, variation: string, ruleId: string | null, userKey: string | null): void {
    let byVariation = this.#counts.get(flagKey);
    if (!byVariation) {
      if (this.#counts.size === 0) this.#countsSince = this.#options.now();
      this.#counts.set(flagKey, (byVariation = new Map()));
    }
    let entry = byVariation.get(variation);
    if (!entry) byVariation.set(variation, (entry = { count: 0, lastUser: NOBODY }));
    entry.count++;
    if (entry.lastUser === userKey) return;
    entry.lastUser = userKey;
    const seenKey = `${userKey ?? ''}\u0000${flagKey}\u0000${variation}`;
    if (this.#seen.has(seenKey)) return;
    this.#seen.add(seenKey);
    // A Set iterates in insertion order, so the first entry is the oldest.
    if (this.#seen.size > this.#options.dedupeCapacity) this.#seen.delete(this.#seen.values().next().value as string);
    this.#push({ type: 'impression', flagKey, variation, ruleId, userKey, timestamp: this.#options.now() });
  }

  /** Queues a custom event. */
  track(eventKey: string, value: number | undefined, userKey: string | null): void {
    const event: CustomEvent = { type: 'custom', eventKey, userKey, timestamp: this.#options.now() };
    if (value !== undefined) event.value = value;
    this.#push(event);
  }

  /** Turns the evaluation counts into summary events and takes everything queued. */
  drain(): SdkEvent[] {
    const end = this.#options.now();
    for (const [flagKey, byVariation] of this.#counts) {
      for (const [variation, { count }] of byVariation) {
        this.#push({ type: 'summary', flagKey, variation, count, startTimestamp: this.#countsSince, endTimestamp: end });
      }
    }
    this.#counts.clear();
    const taken = this.#queue;
    this.#queue = [];
    return taken;
  }

  /** Puts events that could not be sent back in front of newer ones (still bounded). */
  requeue(events: SdkEvent[]): void {
    const newer = this.#queue;
    this.#queue = [];
    for (const event of events) this.#push(event);
    for (const event of newer) this.#push(event);
  }

  #push(event: SdkEvent): void {
    this.#queue.push(event);
    if (this.#queue.length > this.#options.capacity) {
      const excess = this.#queue.length - this.#options.capacity;
      this.#queue.splice(0, excess);
      this.#droppedCount += excess;
    }
  }
}

/**
 * Splits events into batches of at most `maxCount` events and about
 * `maxBytes` of JSON each (the endpoint takes 1,000 events / 512 KiB, a
 * beacon about 64 KiB). An event larger than `maxBytes` still gets a batch.
 */
export function batchEvents(events: SdkEvent[], maxCount: number, maxBytes: number): SdkEvent[][] {
  const encoder = new TextEncoder();
  const batches: SdkEvent[][] = [];
  let batch: SdkEvent[] = [];
  let bytes = 0;
  for (const event of events) {
    const size = encoder.encode(JSON.stringify(event)).length + 1;
    if (batch.length > 0 && (batch.length >= maxCount || bytes + size > maxBytes)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(event);
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}
