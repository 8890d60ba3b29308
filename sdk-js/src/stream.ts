import { HalyardError, toHalyardError } from './errors.js';
import { errorMessage, type Transport } from './transport.js';
import { backoffDelay, MAX_BACKOFF_MS, sleep } from './timing.js';

const IDLE_TIMEOUT_MS = 45_000; // three missed keep-alives (the server sends one every 15 s)
const BACKOFF_MS = 1_000; // the first reconnect delay; doubles per consecutive failure

/** One dispatched Server-Sent Event. */
export interface SseEvent {
  /** The `event:` field, `message` when absent. */
  event: string;
  /** The `data:` lines joined with `\n`. */
  data: string;
}

/**
 * An incremental parser for the `text/event-stream` format (WHATWG HTML §9.2):
 * feed it decoded text in chunks of any size, it calls `onEvent` for each
 * complete event. `id:` and `retry:` are read and ignored; comments are skipped.
 */
export class SseParser {
  #buffer = '';
  #eventType = '';
  #data: string[] = [];
  #skipLineFeed = false;
  readonly #onEvent: (event: SseEvent) => void;

  constructor(onEvent: (event: SseEvent) => void) {
    this.#onEvent = onEvent;
  }

  /** Feeds the next chunk of decoded text. */
  push(chunk: string): void {
    // A CR at the end of the previous chunk already ended a line: drop its LF.
    const text = this.#buffer + (this.#skipLineFeed && chunk.startsWith('\n') ? chunk.slice(1) : chunk);
    this.#skipLineFeed = text.endsWith('\r');
    const lines = text.split(/\r\n|\r|\n/);
    this.#buffer = lines.pop() as string; // the incomplete last line
    for (const line of lines) this.#processLine(line);
  }

  #processLine(line: string): void {
    if (line === '') return this.#dispatch();
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.#eventType = value;
    else if (field === 'data') this.#data.push(value);
  }

  #dispatch(): void {
    const event = this.#eventType || 'message';
    const hasData = this.#data.length > 0;
    const data = this.#data.join('\n');
    this.#eventType = '';
    this.#data = [];
    if (hasData) this.#onEvent({ event, data });
  }
}

/** Where a RevisionStream connects and whom it tells. */
export interface RevisionStreamOptions {
  transport: Transport;
  /** Called with N for every `event: revision` / `data: {"revision":N}`. */
  onRevision: (revision: number) => void;
  /** Called when a connection fails or drops (the stream then reconnects by itself). */
  onError: (error: HalyardError) => void;
}

/**
 * Listens to the control plane's SSE revision stream over `fetch` streaming
 * (EventSource does not exist in Node 20 or workers), reconnecting with
 * backoff when the connection fails, ends, or goes silent.
 */
export class RevisionStream {
  readonly #stopper = new AbortController();
  #connection: AbortController | undefined;
  #failures = 0;
  #running: Promise<void> | undefined;
  readonly #options: RevisionStreamOptions;

  constructor(options: RevisionStreamOptions) {
    this.#options = options;
  }

  /** Starts connecting; idempotent. */
  start(): void {
    this.#running ??= this.#run();
  }

  /** Closes the connection and stops reconnecting; resolves once the loop has exited. */
  async stop(): Promise<void> {
    this.#stopper.abort();
    this.#connection?.abort();
    await this.#running;
  }

  async #run(): Promise<void> {
    while (!this.#stopper.signal.aborted) {
      try {
        await this.#connect();
        if (!this.#stopper.signal.aborted) throw new HalyardError('stream', 'revision stream closed by the server');
      } catch (error) {
        if (this.#stopper.signal.aborted) break;
        this.#failures++;
        this.#options.onError(toHalyardError('stream', error));
      }
      await sleep(backoffDelay(this.#failures, BACKOFF_MS, MAX_BACKOFF_MS), this.#stopper.signal);
    }
  }

  async #connect(): Promise<void> {
    const connection = (this.#connection = new AbortController());
    let idle: ReturnType<typeof setTimeout> | undefined;
    const armIdle = () => {
      clearTimeout(idle);
      idle = setTimeout(() => connection.abort(new Error('revision stream went silent')), IDLE_TIMEOUT_MS);
    };
    const parser = new SseParser((event) => this.#handleEvent(event));
    try {
      armIdle();
      const reader = (await this.#options.transport.openStream(connection.signal)).getReader();
      const decoder = new TextDecoder();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          armIdle();
          parser.push(decoder.decode(value, { stream: true }));
        }
      } finally {
        reader.cancel().catch(() => undefined);
      }
    } catch (error) {
      // An abort by the idle timer is a silent connection, not the caller's stop().
      if (connection.signal.aborted && !this.#stopper.signal.aborted) {
        throw new HalyardError('stream', errorMessage(connection.signal.reason), { cause: error });
      }
      throw error;
    } finally {
      clearTimeout(idle);
    }
  }

  #handleEvent(event: SseEvent): void {
    if (event.event !== 'revision') return;
    let revision: unknown;
    try {
      revision = (JSON.parse(event.data) as { revision?: unknown }).revision;
    } catch {
      revision = undefined;
    }
    if (typeof revision !== 'number') {
      this.#options.onError(new HalyardError('stream', `revision event without a numeric revision: ${event.data.slice(0, 100)}`));
      return;
    }
    // A well-formed event proves the connection works: the next failure starts the backoff over.
    this.#failures = 0;
    this.#options.onRevision(revision);
  }
}
