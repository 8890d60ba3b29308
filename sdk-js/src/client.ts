import { Engine } from './engine.js';
import { Emitter, listen, pageDocument } from './emitter.js';
import { HalyardError, toHalyardError } from './errors.js';
import { resolveOptions, type ClientOptions } from './options.js';
import { Reporter } from './reporter.js';
import { RevisionStream } from './stream.js';
import { Transport } from './transport.js';
import { backoffDelay, MAX_BACKOFF_MS, Timer } from './timing.js';
import type { Context, ErrorCode, Evaluation, Value, ValueType } from './evaluation.js';

/** Payload of the `change` event. */
export interface ChangeEvent {
  /** Revision now served. */
  revision: number;
  /** Revision served before. */
  previousRevision: number;
  /** Flags whose value, variation or reason changed for the current context. */
  flagKeys: string[];
}

/** The events `on()` accepts and what their listeners receive. */
export interface ClientEvents {
  /** The first datafile is loaded (once). */
  ready: undefined;
  /** A newer datafile replaced the one in use. */
  change: ChangeEvent;
  /** Something failed; the client goes on with what it has. */
  error: HalyardError;
}

/** Counters for monitoring the client. */
export interface ClientStats {
  /** Revision of the datafile in use, null before the first one. */
  revision: number | null;
  /** Events waiting to be sent. */
  queuedEvents: number;
  /** Events dropped because the queue was full. */
  droppedEvents: number;
}

/** What differs between the browser/Node and the edge entry points. */
export interface Runtime {
  /** `sdkType` of the heartbeat. */
  sdkType: string;
  /** Makes the WebAssembly engine usable (idempotent). */
  initialize(): Promise<void>;
}

/**
 * A Halyard client: evaluates flags locally against the environment's
 * datafile, keeps that datafile fresh, and reports impressions, counts and
 * `track` events. Create it with `createClient`. Evaluation never throws.
 */
export class HalyardClient {
  readonly #options: ReturnType<typeof resolveOptions>;
  readonly #emitter = new Emitter<ClientEvents>();
  readonly #transport: Transport | undefined;
  readonly #reporter: Reporter | undefined;
  readonly #lifecycle = new AbortController();
  readonly #pollTimer = new Timer();
  readonly #readyPromise: Promise<void>;
  #settleReady!: (error?: HalyardError) => void;
  readonly #initialized: Promise<void>;
  #stream: RevisionStream | undefined;
  #engine: Engine | undefined;
  /** What evaluations answer while there is no engine: PARSE_ERROR / GENERAL once readiness is out of reach. */
  #notReadyCode: ErrorCode = 'PROVIDER_NOT_READY';
  #context: Context;
  #etag: string | null = null;
  #failures = 0;
  #refreshing: Promise<void> | undefined;
  #heartbeat: Promise<void> = Promise.resolve();
  #refreshAgain = false;
  #closing: Promise<void> | undefined;
  #lastError: HalyardError | undefined;
  #removeOnlineListener: (() => void) | undefined;

  /** Use `createClient`; this constructor is the entry points' shared implementation. */
  constructor(options: ClientOptions, runtime: Runtime) {
    this.#options = resolveOptions(options);
    this.#context = this.#options.context;
    const { baseUrl, sdkKey } = this.#options;
    if (baseUrl !== undefined && sdkKey !== undefined) {
      this.#transport = new Transport({ ...this.#options, baseUrl, sdkKey }, runtime.sdkType);
      if (this.#options.sendEvents) this.#reporter = new Reporter(this.#transport, this.#options, (error) => this.#emitError(error));
    }
    this.#readyPromise = new Promise<void>((resolve, reject) => {
      this.#settleReady = (error) => (error ? reject(error) : resolve());
    });
    // Nobody has to call ready(): a rejection nobody awaits must not crash Node.
    this.#readyPromise.catch(() => undefined);
    this.#initialized = runtime.initialize().then(
      () => this.#start(),
      (error: unknown) => {
        this.#notReadyCode = 'GENERAL';
        this.#fail(toHalyardError('init', error));
      },
    );
  }

  /**
   * Resolves once the first datafile is loaded (from the bootstrap or the
   * server). Rejects when the engine cannot load, when a client without
   * network has no valid datafile, when the client is closed first, or after
   * `timeoutMs` if given. Until then evaluations answer the caller's default
   * with reason ERROR / PROVIDER_NOT_READY (PARSE_ERROR when an invalid
   * bootstrap datafile left nothing to evaluate, GENERAL when the engine
   * could not load).
   */
  ready(timeoutMs?: number): Promise<void> {
    if (timeoutMs === undefined) return this.#readyPromise;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        const last = this.#lastError ? ` (last error: ${this.#lastError.message})` : '';
        reject(new HalyardError('datafile', `not ready after ${timeoutMs} ms${last}`));
      }, timeoutMs);
      this.#readyPromise.then(resolve, reject).finally(() => clearTimeout(timer));
    });
  }

  /**
   * Evaluates `flagKey` for the current context and returns the full result:
   * value, variation, reason, ruleId, errorCode. `defaultValue` is returned
   * (with reason ERROR) when the flag is unknown, the client is not ready, or
   * `valueType` is given and the flag's type differs (TYPE_MISMATCH).
   * Records an impression and an evaluation count. Never throws.
   */
  evaluate(flagKey: string, defaultValue: Value = null, valueType?: ValueType): Evaluation {
    const engine = this.#engine;
    if (!engine) return errorEvaluation(flagKey, defaultValue, this.#notReadyCode);
    // Never throws: failures come back as ERROR results. Without a clock option the engine reads the real one.
    const result = engine.evaluate(flagKey, defaultValue, valueType, this.#options.clock?.());
    if (this.#reporter && result.variation !== null) {
      this.#reporter.queue.recordEvaluation(flagKey, result.variation, result.ruleId, this.#context.key ?? null);
    }
    return result;
  }

  /** True when the boolean flag `flagKey` serves `true` to the current context; false otherwise (also when unknown). */
  isEnabled(flagKey: string): boolean {
    return this.evaluate(flagKey, false, 'boolean').value === true;
  }

  /** The value `flagKey` serves to the current context, whatever its type; `defaultValue` when unknown or not ready. */
  variation(flagKey: string, defaultValue: Value = null): Value {
    return this.evaluate(flagKey, defaultValue).value;
  }

  /** The value of a BOOLEAN flag; `defaultValue` when unknown, not ready, or of another type. */
  booleanVariation(flagKey: string, defaultValue: boolean): boolean {
    return this.evaluate(flagKey, defaultValue, 'boolean').value as boolean;
  }

  /** The value of a STRING flag; `defaultValue` when unknown, not ready, or of another type. */
  stringVariation(flagKey: string, defaultValue: string): string {
    return this.evaluate(flagKey, defaultValue, 'string').value as string;
  }

  /** The value of a NUMBER flag; `defaultValue` when unknown, not ready, or of another type. */
  numberVariation(flagKey: string, defaultValue: number): number {
    return this.evaluate(flagKey, defaultValue, 'number').value as number;
  }

  /** The value of a JSON flag; `defaultValue` when unknown, not ready, or of another type. */
  jsonVariation<T extends Value = Value>(flagKey: string, defaultValue: T): T {
    return this.evaluate(flagKey, defaultValue, 'json').value as T;
  }

  /**
   * Evaluates every flag of the datafile for the current context, keyed by
   * flag key, in datafile order; `{}` before ready. Records nothing: it is
   * meant for bootstrapping UIs and debugging, not for exposures.
   */
  evaluateAll(): Record<string, Evaluation> {
    return this.#engine?.evaluateAll(this.#options.clock?.()) ?? {};
  }

  /**
   * Replaces the evaluation context (who is asking); later evaluations use
   * it. Does not emit `change` and does not touch the network.
   */
  setContext(context: Context): void {
    this.#context = context ?? {};
    this.#engine?.setContext(this.#context); // never throws: a malformed context answers INVALID_CONTEXT
  }

  /** The current evaluation context. */
  getContext(): Context {
    return this.#context;
  }

  /**
   * Queues a custom event (a contract-004 CONVERSION or NUMERIC event) for
   * the current context's key; sent with the next batch. No-op when events
   * are off or the client has no `baseUrl`.
   */
  track(eventKey: string, value?: number): void {
    if (!this.#reporter || this.#closing || typeof eventKey !== 'string' || eventKey === '') return;
    this.#reporter.queue.track(eventKey, typeof value === 'number' && Number.isFinite(value) ? value : undefined, this.#context.key ?? null);
  }

  /**
   * Sends every queued event now. Resolves when done; a failed batch is put
   * back in the queue (or dropped when the server rejected it as malformed)
   * and reported through `on('error')`, so this never rejects.
   */
  flush(): Promise<void> {
    return this.#reporter?.flush() ?? Promise.resolve();
  }

  /**
   * Subscribes to `ready` (first datafile), `change` (a newer datafile; the
   * payload lists the flags whose result changed for the current context) or
   * `error` (anything that failed; the client carries on). Returns a function
   * that unsubscribes.
   */
  on<K extends keyof ClientEvents & string>(event: K, listener: (payload: ClientEvents[K]) => void): () => void {
    return this.#emitter.on(event, listener);
  }

  /** Removes a listener added with `on`. */
  off<K extends keyof ClientEvents & string>(event: K, listener: (payload: ClientEvents[K]) => void): void {
    this.#emitter.off(event, listener);
  }

  /** Revision in use and event-queue counters (including events dropped while offline). */
  stats(): ClientStats {
    const queue = this.#reporter?.queue;
    return { revision: this.#engine?.revision ?? null, queuedEvents: queue?.size ?? 0, droppedEvents: queue?.dropped ?? 0 };
  }

  /**
   * Stops polling, the stream and every timer, sends the queued events one
   * last time, and frees the engine. Evaluations afterwards answer defaults.
   * Idempotent; a Node process with nothing else to do exits afterwards.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutDown();
    return this.#closing;
  }

  #start(): void {
    if (this.#closing) return;
    const bootstrap = this.#options.datafile;
    if (bootstrap !== undefined) {
      this.#adopt(typeof bootstrap === 'string' ? bootstrap : JSON.stringify(bootstrap), null);
    }
    if (!this.#transport) {
      if (!this.#engine) {
        this.#notReadyCode = 'PARSE_ERROR';
        this.#fail(new HalyardError('datafile', 'the bootstrap datafile is invalid and there is no baseUrl to fetch one'));
      }
      return;
    }
    this.#requestRefresh();
    if (this.#options.stream) this.#startStream(this.#transport);
    this.#reporter?.start();
    // In a page, a connection coming back triggers a fetch at once instead of after the backoff.
    if (pageDocument()) this.#removeOnlineListener = listen(globalThis, 'online', () => this.#requestRefresh());
  }

  #startStream(transport: Transport): void {
    this.#stream = new RevisionStream({
      transport,
      onRevision: (revision) => {
        if (revision !== this.#engine?.revision) this.#requestRefresh();
      },
      onError: (error) => this.#emitError(error),
    });
    this.#stream.start();
  }

  /** Loads `json` if it is a valid datafile; otherwise keeps the current one and reports why. */
  #adopt(json: string, etag: string | null): boolean {
    const loaded = Engine.load(json); // never throws: a bad datafile comes back as { error }
    if (!(loaded instanceof Engine)) {
      // The ETag is not kept: the server validates what it publishes, so bad bytes
      // come from something in between, and the next poll should ask for good ones.
      this.#emitError(new HalyardError('datafile', `ignored an invalid datafile: ${loaded.error}`));
      return false;
    }
    loaded.setContext(this.#context);
    const previous = this.#engine;
    this.#engine = loaded;
    this.#etag = etag;
    if (!previous) {
      this.#settleReady();
      this.#emitter.emit('ready', undefined);
      return true;
    }
    const now = this.#options.clock?.();
    const flagKeys = changedFlags(previous.evaluateAll(now), loaded.evaluateAll(now));
    const previousRevision = previous.revision;
    previous.free();
    if (flagKeys.length > 0 || previousRevision !== loaded.revision) {
      this.#emitter.emit('change', { revision: loaded.revision, previousRevision, flagKeys });
    }
    return true;
  }

  /** Fetches now, or right after the fetch in flight (single flight). */
  #requestRefresh(): void {
    if (this.#closing) return;
    if (this.#refreshing) {
      this.#refreshAgain = true;
      return;
    }
    this.#pollTimer.cancel();
    this.#refreshing = this.#refresh().finally(() => {
      this.#refreshing = undefined;
      if (this.#refreshAgain) {
        this.#refreshAgain = false;
        this.#requestRefresh();
      } else this.#schedulePoll();
    });
  }

  async #refresh(): Promise<void> {
    const transport = this.#transport;
    if (!transport) return;
    try {
      const response = await transport.fetchDatafile(this.#etag, this.#lifecycle.signal);
      this.#failures = 0;
      if (response.status === 200 && this.#adopt(response.body, response.etag)) {
        // Not awaited: the datafile is in use already. close() waits for it (a worker's request may end first).
        this.#heartbeat = transport.sendHeartbeat().catch((error: unknown) => this.#report(error, 'heartbeat'));
      }
    } catch (error) {
      this.#failures++;
      this.#report(error, 'datafile');
    }
  }

  #schedulePoll(): void {
    if (this.#closing) return;
    // After a failure retry with backoff even when polling is off: the first datafile must arrive.
    if (this.#failures > 0) {
      const base = Math.min(1_000, this.#options.pollIntervalMs || 1_000);
      this.#pollTimer.schedule(backoffDelay(this.#failures, base, MAX_BACKOFF_MS), () => this.#requestRefresh());
    } else if (this.#options.pollIntervalMs > 0) {
      this.#pollTimer.schedule(this.#options.pollIntervalMs, () => this.#requestRefresh());
    }
  }

  async #shutDown(): Promise<void> {
    this.#pollTimer.cancel();
    this.#removeOnlineListener?.();
    this.#lifecycle.abort();
    await this.#stream?.stop();
    await this.#initialized;
    await this.#refreshing;
    await Promise.all([this.#heartbeat, this.#reporter?.close()]);
    this.#engine?.free();
    this.#engine = undefined;
    this.#settleReady(new HalyardError('init', 'the client was closed before it was ready'));
    this.#emitter.clear();
  }

  #emitError(error: HalyardError): void {
    this.#lastError = error;
    this.#emitter.emit('error', error);
  }

  #fail(error: HalyardError): void {
    this.#emitError(error);
    this.#settleReady(error);
  }

  #report(error: unknown, kind: 'datafile' | 'heartbeat'): void {
    if (this.#lifecycle.signal.aborted && kind === 'datafile') return; // aborted by close(): not a failure
    this.#emitError(toHalyardError(kind, error));
  }
}

/** The result served when there is nothing to evaluate with. */
function errorEvaluation(flagKey: string, value: Value, errorCode: Evaluation['errorCode']): Evaluation {
  return { flagKey, value, variation: null, reason: 'ERROR', ruleId: null, errorCode, versionSufficient: null, dateReached: null };
}

function changedFlags(before: Record<string, Evaluation>, after: Record<string, Evaluation>): string[] {
  const changed: string[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = before[key];
    const b = after[key];
    if (!a || !b || a.variation !== b.variation || a.reason !== b.reason || JSON.stringify(a.value) !== JSON.stringify(b.value)) {
      changed.push(key);
    }
  }
  return changed;
}
