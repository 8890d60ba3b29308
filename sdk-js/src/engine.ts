/**
 * The evaluation engine: Halyard's Rust evaluator (evaluator-core) compiled to
 * WebAssembly, behind a TypeScript layer that keeps the boundary cheap.
 *
 * The context crosses once per change: `setContext` copies each attribute the
 * datafile reads into preallocated slots in the module's linear memory, and
 * skips the copy when nothing changed. Evaluations then pass a flag index and
 * get one packed i32 back; variation values, keys and rule ids are cached here
 * once per datafile, so no call parses or builds JSON.
 */
import type { Evaluator } from './wasm/evaluator_wasm.js';
import { ContextSlots, loadEvaluator, wasmMemory } from './boundary.js';

export { initWasm, initWasmSync, type WasmSource } from './boundary.js';

/** A JSON value, as variations carry them. */
export type Value = null | boolean | number | string | Value[] | { [key: string]: Value };

/** Why an evaluation produced its value. */
export type Reason =
  | 'TARGETING_MATCH' | 'SPLIT' | 'DEFAULT' | 'DISABLED' | 'ERROR' | 'OVERRIDE' | 'SCHEDULED' | 'ROLLOUT_CONDITION';

/** What went wrong when `reason` is `ERROR`. */
export type ErrorCode = 'FLAG_NOT_FOUND' | 'TYPE_MISMATCH' | 'PARSE_ERROR' | 'INVALID_CONTEXT' | 'GENERAL';

/** The value type a typed getter asks for. */
export type ValueType = 'boolean' | 'string' | 'number' | 'json';

/** Who a flag is evaluated for. `key` and `appVersion` shadow same-named attributes. */
export interface Context {
  key?: string;
  appVersion?: string;
  attributes?: Record<string, string | number | boolean>;
}

/** The full result of one evaluation. Successful results are frozen and shared between calls. */
export interface EvaluationDetails<T = Value> {
  readonly flagKey: string;
  readonly value: T;
  readonly variation: string | null;
  readonly reason: Reason;
  readonly ruleId: string | null;
  readonly errorCode: ErrorCode | null;
  readonly versionSufficient: boolean | null;
  readonly dateReached: boolean | null;
}

interface FlagMetadata {
  key: string;
  type: 'BOOLEAN' | 'STRING' | 'NUMBER' | 'JSON';
  variations: { key: string; value: Value }[];
  ruleIds: string[];
  clock: boolean;
}

interface Metadata {
  revision: number;
  attributes: string[];
  reasons: Reason[];
  errorCodes: ErrorCode[];
  flags: FlagMetadata[];
}

// The packed result layout: evaluator-wasm/src/packed.rs.
const ERROR_BITS = 0x70;
const TRISTATE = [null, false, true] as const;
const TYPE_OF: Record<ValueType, FlagMetadata['type']> = {
  boolean: 'BOOLEAN', string: 'STRING', number: 'NUMBER', json: 'JSON',
};
// Never a packed result (those are >= 0, or -1 for the wide form).
const STALE = -2;

/** The last evaluate-all record of one kind, and the packed results it holds. */
interface Snapshot<T> {
  packed: Int32Array;
  record: Record<string, T>;
}

/** A compiled datafile with a current context. Never throws from evaluation. */
export class Engine {
  /** The datafile's revision. */
  readonly revision: number;

  #ev: Evaluator;
  #keys: string[];
  #index: Map<string, number>;
  #types: FlagMetadata['type'][];
  #variationValues: Value[][];
  #variationKeys: string[][];
  #ruleIds: string[][];
  #clock: boolean[];
  #anyClock: boolean;
  #reasons: Reason[];
  #errorCodes: ErrorCode[];
  // Frozen successful details per flag, by packed result; filled as results come.
  #detailCache: (Map<number, EvaluationDetails> | undefined)[];
  #lastKey: string | undefined = undefined;
  #lastIndex = -1;
  #slots: ContextSlots;

  // Packed results for the current context (generation): an unchanged context
  // re-evaluates nothing. Flags whose result depends on `now` bypass the cache.
  // While `allAt` is the generation, the evaluator's results buffer holds every flag's.
  #cached: Int32Array;
  #cachedAt: Float64Array;
  #allAt = 0;
  // What evaluateAll / values returned last: the next call decodes only the
  // flags whose packed result changed and returns a copy (created on first use).
  #allDetails: Snapshot<EvaluationDetails> | undefined = undefined;
  #allValues: Snapshot<Value> | undefined = undefined;

  private constructor(ev: Evaluator, meta: Metadata) {
    this.#ev = ev;
    this.revision = meta.revision;
    const flags = meta.flags;
    this.#keys = flags.map((f) => f.key);
    this.#index = new Map(this.#keys.map((k, i) => [k, i]));
    this.#types = flags.map((f) => f.type);
    this.#variationValues = flags.map((f) => f.variations.map((v) => deepFreeze(v.value)));
    this.#variationKeys = flags.map((f) => f.variations.map((v) => v.key));
    this.#ruleIds = flags.map((f) => f.ruleIds);
    this.#clock = flags.map((f) => f.clock);
    this.#anyClock = this.#clock.includes(true);
    this.#reasons = meta.reasons;
    this.#errorCodes = meta.errorCodes;
    this.#detailCache = new Array<undefined>(flags.length).fill(undefined);
    this.#cached = new Int32Array(flags.length);
    this.#cachedAt = new Float64Array(flags.length);
    this.#slots = new ContextSlots(ev, meta.attributes, flags.length);
  }

  /** Compiles a datafile JSON string. Returns the validation error instead of throwing. */
  static load(json: string): Engine | { error: string } {
    if (!wasmMemory()) return { error: 'initWasm() has not completed' };
    if (typeof json !== 'string') return { error: 'the datafile must be a JSON string' };
    try {
      const loaded = loadEvaluator(json) as Evaluator | string;
      if (typeof loaded === 'string') return { error: loaded };
      return new Engine(loaded, JSON.parse(loaded.metadata()) as Metadata);
    } catch (err) {
      return { error: `cannot load the datafile: ${String(err)}` };
    }
  }

  /** Size of the WebAssembly linear memory in bytes (0 before `initWasm`), for diagnostics. */
  static memoryBytes(): number {
    return wasmMemory()?.buffer.byteLength ?? 0;
  }

  /** Every flag key, in datafile order. */
  flagKeys(): string[] {
    return this.#keys.slice();
  }

  /**
   * Sets the context later evaluations use. Copies the attributes the datafile
   * reads into WebAssembly memory, unless they equal the last ones (then
   * cached results stay valid); a malformed context makes evaluations answer
   * `INVALID_CONTEXT` until the next valid one.
   */
  setContext(ctx: Context): void {
    this.#slots.set(ctx);
  }

  /** Whether `key` evaluates to `true` (false for unknown and non-boolean flags). */
  isEnabled(key: string, now?: number): boolean {
    const i = this.#indexOf(key);
    if (i < 0 || this.#slots.invalid) return false;
    try {
      return this.#variationValues[i][this.#variationIndex(this.#run(i, now))] === true;
    } catch {
      return false;
    }
  }

  /** The flag's value, or `defaultValue` when it cannot be evaluated. */
  variation<T extends Value>(key: string, defaultValue: T, now?: number): Value | T {
    return this.evaluate(key, defaultValue, undefined, now).value;
  }

  /**
   * Evaluates `key` with value, variation, reason and rule. Errors carry
   * `defaultValue`; with `valueType`, a flag of another type answers `TYPE_MISMATCH`.
   */
  evaluate<T extends Value>(
    key: string, defaultValue: T | null = null, valueType?: ValueType, now?: number,
  ): EvaluationDetails<Value | T> {
    const i = this.#indexOf(key);
    if (i < 0) return failure(key, 'FLAG_NOT_FOUND', defaultValue);
    if (valueType !== undefined && TYPE_OF[valueType] !== this.#types[i]) return failure(key, 'TYPE_MISMATCH', defaultValue);
    if (this.#slots.invalid) return failure(key, 'INVALID_CONTEXT', defaultValue);
    try {
      return this.#details(i, this.#run(i, now), defaultValue);
    } catch {
      return failure(key, 'GENERAL', defaultValue);
    }
  }

  /** Evaluates every flag: `{ flagKey: details }` in datafile order, a new object per call. */
  evaluateAll(now?: number): Record<string, EvaluationDetails> {
    const snapshot = (this.#allDetails ??= this.#snapshot());
    try {
      if (this.#runAll(now)) return this.#refresh(snapshot, now, false);
    } catch {
      // a trap inside the module: every flag reports GENERAL below
    }
    const out = { ...snapshot.record };
    const code = this.#slots.invalid ? 'INVALID_CONTEXT' : 'GENERAL';
    for (const key of this.#keys) out[key] = failure(key, code, null);
    return out;
  }

  /** Evaluates every flag: `{ flagKey: value }` in datafile order (null where evaluation failed), a new object per call. */
  values(now?: number): Record<string, Value> {
    const snapshot = (this.#allValues ??= this.#snapshot());
    try {
      if (this.#runAll(now)) return this.#refresh(snapshot, now, true);
    } catch {
      // a trap inside the module: every flag is null below
    }
    const out = { ...snapshot.record };
    for (const key of this.#keys) out[key] = null;
    return out;
  }

  /** Releases the WebAssembly memory; the engine then knows no flags. */
  free(): void {
    this.#keys = [];
    this.#index = new Map();
    this.#allDetails = undefined;
    this.#allValues = undefined;
    this.#slots.clear();
    this.#lastKey = undefined;
    this.#lastIndex = -1;
    try {
      this.#ev.free();
    } catch {
      // already freed
    }
  }

  #indexOf(key: string): number {
    if (key === this.#lastKey) return this.#lastIndex;
    const i = this.#index.get(key);
    if (i === undefined) return -1;
    this.#lastKey = key;
    this.#lastIndex = i;
    return i;
  }

  /** The packed result of flag `i`; from the cache while the context is unchanged and `now` is irrelevant. */
  #run(i: number, now: number | undefined): number {
    if (this.#clock[i]) return this.#call(i, timeOf(now));
    const generation = this.#slots.generation;
    if (this.#cachedAt[i] === generation) return this.#cached[i];
    if (this.#allAt === generation) {
      const all = this.#slots.resultsView()[i];
      if (all >= 0) return all;
    }
    const r = this.#call(i, 0);
    if (r >= 0) {
      this.#cached[i] = r;
      this.#cachedAt[i] = generation;
    }
    return r;
  }

  #call(i: number, now: number): number {
    return this.#ev.evaluateIndex(i, now, this.#slots.textLength);
  }

  /** Evaluates every flag into the results buffer; false when the context is invalid or the module failed. */
  #runAll(now: number | undefined): boolean {
    const slots = this.#slots;
    if (slots.invalid) return false;
    const generation = slots.generation;
    if (this.#allAt === generation && !this.#anyClock) return true;
    try {
      this.#ev.evaluateAllInto(this.#anyClock ? timeOf(now) : 0, slots.textLength);
    } catch {
      return false;
    }
    this.#allAt = generation;
    return true;
  }

  /** An empty snapshot: every flag stale, the record `{ flagKey: null }` in datafile order. */
  #snapshot<T>(): Snapshot<T> {
    const packed = new Int32Array(this.#keys.length).fill(STALE);
    return { packed, record: Object.fromEntries(this.#keys.map((k) => [k, null])) as Record<string, T> };
  }

  /**
   * After `runAll`: decodes into `snapshot` only the flags whose packed result
   * changed (a store by key into a 50-key record costs ~15 ns, copying the
   * whole record about 3 stores), and returns a copy of its record.
   */
  #refresh<T>(snapshot: Snapshot<T>, now: number | undefined, valuesOnly: boolean): Record<string, T> {
    const { packed, record } = snapshot;
    const out = record as Record<string, unknown>;
    let results = this.#slots.resultsView();
    for (let i = 0; i < this.#keys.length; i++) {
      let r = results[i];
      if (r === packed[i]) continue;
      if (r < 0) {
        // A result only the wide form holds is evaluated alone, and decoded at
        // once; the call may have grown memory (detaching the view).
        r = this.#call(i, this.#clock[i] ? timeOf(now) : 0);
        results = this.#slots.resultsView();
      }
      const error = (this.#lowBits(r) & ERROR_BITS) !== 0;
      // Error details are built per call (as `evaluate` does); the rest is shared.
      packed[i] = r < 0 || error ? STALE : r;
      out[this.#keys[i]] = valuesOnly
        ? (error ? null : (this.#variationValues[i][this.#variationIndex(r)] ?? null))
        : this.#details(i, r, null);
    }
    return { ...record };
  }

  #lowBits(r: number): number {
    return r >= 0 ? r : this.#slots.wideView()[0];
  }

  #variationIndex(r: number): number {
    return r >= 0 ? ((r >>> 11) & 0x3ff) - 1 : this.#slots.wideView()[1];
  }

  /** The details of packed result `r`: shared and frozen per flag and result, except errors (they carry the caller's default). */
  #details<T extends Value>(i: number, r: number, defaultValue: T | null): EvaluationDetails<Value | T> {
    if (r < 0 || (r & ERROR_BITS) !== 0) return this.#decode(i, r, defaultValue);
    const cache = (this.#detailCache[i] ??= new Map());
    let details = cache.get(r);
    if (details === undefined) cache.set(r, (details = Object.freeze(this.#decode(i, r, null))));
    return details;
  }

  #decode<T extends Value>(i: number, r: number, defaultValue: T | null): EvaluationDetails<Value | T> {
    const low = this.#lowBits(r);
    const variation = this.#variationIndex(r);
    const rule = r >= 0 ? (r >>> 21) - 1 : this.#slots.wideView()[2];
    const error = (low >>> 4) & 7;
    return {
      flagKey: this.#keys[i],
      value: error !== 0 || variation < 0 ? defaultValue : this.#variationValues[i][variation],
      variation: variation >= 0 ? this.#variationKeys[i][variation] : null,
      reason: this.#reasons[low & 15],
      ruleId: rule >= 0 ? this.#ruleIds[i][rule] : null,
      errorCode: error !== 0 ? this.#errorCodes[error - 1] : null,
      versionSufficient: TRISTATE[(low >>> 7) & 3],
      dateReached: TRISTATE[(low >>> 9) & 3],
    };
  }
}

function timeOf(now: number | undefined): number {
  return typeof now === 'number' ? now : Date.now();
}

function failure<T extends Value>(flagKey: string, errorCode: ErrorCode, value: T | null): EvaluationDetails<T | null> {
  return {
    flagKey, value, variation: null, reason: 'ERROR', ruleId: null, errorCode, versionSufficient: null, dateReached: null,
  };
}

function deepFreeze(value: Value): Value {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
