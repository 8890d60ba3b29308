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
import { load as loadEvaluator, type Evaluator } from './wasm/evaluator_wasm.js';
import { wasmMemory } from './engine-init.js';

export { initWasm, initWasmSync, type WasmSource } from './engine-init.js';

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

// Slot kinds and the packed result layout: evaluator-wasm/src/{slots,packed}.rs.
const STRING = 1;
const NUMBER = 2;
const BOOLEAN = 3;
const ERROR_BITS = 0x70;
const TRISTATE = [null, false, true] as const;
const TYPE_OF: Record<ValueType, FlagMetadata['type']> = {
  boolean: 'BOOLEAN', string: 'STRING', number: 'NUMBER', json: 'JSON',
};
// Where a slot's value comes from: `attributes[name]`, or a top-level field first.
const FROM_ATTRIBUTES = 0;
const FROM_KEY = 1;
const FROM_APP_VERSION = 2;
const INVALID = Symbol('invalid context');
const encoder = new TextEncoder();

/** A compiled datafile with a current context. Never throws from evaluation. */
export class Engine {
  /** The datafile's revision. */
  readonly revision: number;

  private ev: Evaluator;
  private keys: string[];
  private index: Map<string, number>;
  private types: FlagMetadata['type'][];
  private variationValues: Value[][];
  // `{ flagKey: null }` for every flag: evaluate-all clones it, so filling the
  // result stores into existing properties instead of growing a fresh object.
  private template: Record<string, null>;
  private variationKeys: string[][];
  private ruleIds: string[][];
  private clock: boolean[];
  private anyClock: boolean;
  private reasons: Reason[];
  private detailCache: (Map<number, EvaluationDetails> | undefined)[];
  private errorCodes: ErrorCode[];
  private lastKey: string | undefined = undefined;
  private lastIndex = -1;

  // Packed results for the current context (generation): an unchanged context
  // re-evaluates nothing. Flags whose result depends on `now` bypass the cache.
  private cached: Int32Array;
  private cachedAt: Float64Array;
  private generation = 1;
  private allAt = 0;
  // Length of the context text written since the last evaluation, -1 when none: the next call commits it.
  private pendingText = -1;

  // The context: attribute names by slot, where each comes from, the values last written.
  private names: string[];
  private sources: number[];
  private written: unknown[];
  private textEnds: number[]; // where the text ends after each slot, as last written
  private invalidContext = false;

  // Views of the evaluator's buffers in linear memory; re-created when memory grows.
  private kinds!: Uint8Array;
  private spans!: Uint32Array;
  private numbers!: Float64Array;
  private bytes!: Uint8Array;
  private results!: Int32Array;
  private wide!: Int32Array;

  private constructor(ev: Evaluator, meta: Metadata) {
    this.ev = ev;
    this.revision = meta.revision;
    this.keys = meta.flags.map((f) => f.key);
    this.index = new Map(this.keys.map((k, i) => [k, i]));
    this.template = Object.fromEntries(this.keys.map((k) => [k, null]));
    this.types = meta.flags.map((f) => f.type);
    this.variationValues = meta.flags.map((f) => f.variations.map((v) => deepFreeze(v.value)));
    this.variationKeys = meta.flags.map((f) => f.variations.map((v) => v.key));
    this.ruleIds = meta.flags.map((f) => f.ruleIds);
    this.clock = meta.flags.map((f) => f.clock);
    this.anyClock = this.clock.includes(true);
    this.reasons = meta.reasons;
    this.detailCache = this.keys.map(() => undefined);
    this.errorCodes = meta.errorCodes;
    this.cached = new Int32Array(this.keys.length);
    this.cachedAt = new Float64Array(this.keys.length);
    this.names = meta.attributes;
    this.sources = this.names.map((n) => (n === 'key' ? FROM_KEY : n === 'appVersion' ? FROM_APP_VERSION : FROM_ATTRIBUTES));
    this.written = this.names.map(() => undefined);
    this.textEnds = this.names.map(() => 0);
    this.bind();
  }

  /** Compiles a datafile JSON string. Returns the validation error instead of throwing. */
  static load(json: string): Engine | { error: string } {
    if (!wasmMemory()) return { error: 'initWasm() has not completed' };
    if (typeof json !== 'string') return { error: 'the datafile must be a JSON string' };
    try {
      const loaded: Evaluator | string = loadEvaluator(json);
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
    return this.keys.slice();
  }

  /**
   * Sets the context later evaluations use. Copies the attributes the datafile
   * reads into WebAssembly memory, unless they equal the last ones (then
   * cached results stay valid); a malformed context makes evaluations answer
   * `INVALID_CONTEXT` until the next valid one.
   */
  setContext(ctx: Context): void {
    try {
      const attributes = attributesOf(ctx);
      this.invalidContext = attributes === INVALID;
      if (attributes === INVALID) return;
      const top = ctx as Record<string, unknown>;
      const { names, sources, written } = this;
      // One pass: slots before the first changed one keep their text; from
      // there on every slot is written again (the text is contiguous).
      let at = -1;
      for (let i = 0; i < names.length; i++) {
        const source = sources[i];
        let value = source === FROM_KEY ? top.key : source === FROM_APP_VERSION ? top.appVersion : undefined;
        if (value == null && attributes !== undefined) value = attributes[names[i]];
        if (at < 0) {
          if (value === written[i]) continue;
          if (this.bytes.byteLength === 0) this.bind();
          at = i === 0 ? 0 : this.textEnds[i - 1];
        }
        written[i] = value;
        at = this.writeSlot(i, value, at);
      }
      if (at >= 0) {
        this.pendingText = at;
        this.generation++;
      }
    } catch {
      this.invalidContext = true;
      this.written.fill(INVALID);
    }
  }

  /** Whether `key` evaluates to `true` (false for unknown and non-boolean flags). */
  isEnabled(key: string, now?: number): boolean {
    const i = this.indexOf(key);
    if (i < 0 || this.invalidContext) return false;
    try {
      return this.variationValues[i][this.variationIndex(this.run(i, now))] === true;
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
    const i = this.indexOf(key);
    if (i < 0) return failure(key, 'FLAG_NOT_FOUND', defaultValue);
    if (valueType !== undefined && TYPE_OF[valueType] !== this.types[i]) return failure(key, 'TYPE_MISMATCH', defaultValue);
    if (this.invalidContext) return failure(key, 'INVALID_CONTEXT', defaultValue);
    try {
      return this.details(i, this.run(i, now), defaultValue);
    } catch {
      return failure(key, 'GENERAL', defaultValue);
    }
  }

  /** Evaluates every flag: `{ flagKey: details }` in datafile order. */
  evaluateAll(now?: number): Record<string, EvaluationDetails> {
    const out = { ...this.template } as unknown as Record<string, EvaluationDetails>;
    try {
      if (this.runAll(now)) {
        for (let i = 0; i < this.keys.length; i++) out[this.keys[i]] = this.details(i, this.resultOf(i, now), null);
        return out;
      }
    } catch {
      // a trap inside the module: every flag reports GENERAL below
    }
    const code = this.invalidContext ? 'INVALID_CONTEXT' : 'GENERAL';
    for (const key of this.keys) out[key] = failure(key, code, null);
    return out;
  }

  /** Evaluates every flag: `{ flagKey: value }` (null where evaluation failed). */
  values(now?: number): Record<string, Value> {
    const out: Record<string, Value> = { ...this.template };
    let evaluated = false;
    try {
      evaluated = this.runAll(now);
      for (let i = 0; evaluated && i < this.keys.length; i++) {
        const r = this.resultOf(i, now);
        out[this.keys[i]] = (this.lowBits(r) & ERROR_BITS) === 0 ? (this.variationValues[i][this.variationIndex(r)] ?? null) : null;
      }
    } catch {
      evaluated = false;
    }
    if (!evaluated) for (const key of this.keys) out[key] = null;
    return out;
  }

  /** Releases the WebAssembly memory; the engine then knows no flags. */
  free(): void {
    this.keys = [];
    this.index = new Map();
    this.template = {};
    this.names = [];
    this.lastKey = undefined;
    this.lastIndex = -1;
    try {
      this.ev.free();
    } catch {
      // already freed
    }
  }

  private indexOf(key: string): number {
    if (key === this.lastKey) return this.lastIndex;
    const i = this.index.get(key);
    if (i === undefined) return -1;
    this.lastKey = key;
    this.lastIndex = i;
    return i;
  }

  /** The packed result of flag `i`; from the cache while the context is unchanged and `now` is irrelevant. */
  private run(i: number, now: number | undefined): number {
    if (this.clock[i]) return this.call(i, timeOf(now));
    if (this.cachedAt[i] === this.generation) return this.cached[i];
    const r = this.call(i, 0);
    if (r >= 0) {
      this.cached[i] = r;
      this.cachedAt[i] = this.generation;
    }
    return r;
  }

  private call(i: number, now: number): number {
    const r = this.ev.evaluateIndex(i, now, this.pendingText);
    this.pendingText = -1;
    return r;
  }

  /** Evaluates every flag into the cache; false when the context is invalid or the module failed. */
  private runAll(now: number | undefined): boolean {
    if (this.invalidContext) return false;
    if (this.allAt === this.generation && !this.anyClock) return true;
    try {
      this.ev.evaluateAllInto(this.anyClock ? timeOf(now) : 0, this.pendingText);
    } catch {
      return false;
    }
    this.pendingText = -1;
    if (this.bytes.byteLength === 0) this.bind();
    const generation = this.generation;
    for (let i = 0; i < this.keys.length; i++) {
      const r = this.results[i];
      this.cached[i] = r;
      this.cachedAt[i] = r >= 0 ? generation : 0;
    }
    this.allAt = generation;
    return true;
  }

  /** Result `i` after `runAll`, evaluated alone when it only fits the wide form. */
  private resultOf(i: number, now: number | undefined): number {
    const r = this.cached[i];
    return r >= 0 ? r : this.call(i, this.clock[i] ? timeOf(now) : 0);
  }

  private wideResult(): Int32Array {
    if (this.wide.byteLength === 0) this.bind();
    return this.wide;
  }

  private lowBits(r: number): number {
    return r >= 0 ? r : this.wideResult()[0];
  }

  private variationIndex(r: number): number {
    return r >= 0 ? ((r >>> 11) & 0x3ff) - 1 : this.wideResult()[1];
  }

  /** The details of packed result `r`: shared and frozen per flag and result, except errors (they carry the caller's default). */
  private details<T extends Value>(i: number, r: number, defaultValue: T | null): EvaluationDetails<Value | T> {
    if (r < 0 || (r & ERROR_BITS) !== 0) return this.decode(i, r, defaultValue);
    const cache = (this.detailCache[i] ??= new Map());
    let details = cache.get(r);
    if (details === undefined) cache.set(r, (details = Object.freeze(this.decode(i, r, null))));
    return details;
  }

  private decode<T extends Value>(i: number, r: number, defaultValue: T | null): EvaluationDetails<Value | T> {
    const low = this.lowBits(r);
    const variation = this.variationIndex(r);
    const rule = r >= 0 ? (r >>> 21) - 1 : this.wideResult()[2];
    const error = (low >>> 4) & 7;
    return {
      flagKey: this.keys[i],
      value: error !== 0 || variation < 0 ? defaultValue : this.variationValues[i][variation],
      variation: variation >= 0 ? this.variationKeys[i][variation] : null,
      reason: this.reasons[low & 15],
      ruleId: rule >= 0 ? this.ruleIds[i][rule] : null,
      errorCode: error !== 0 ? this.errorCodes[error - 1] : null,
      versionSufficient: TRISTATE[(low >>> 7) & 3],
      dateReached: TRISTATE[(low >>> 9) & 3],
    };
  }

  /** Writes slot `i` (strings as UTF-8 at `at`); returns where the text continues. */
  private writeSlot(i: number, value: unknown, at: number): number {
    if (typeof value === 'string') {
      const len = value.length;
      if (at + 3 * len > this.bytes.length) {
        this.ev.reserve(2 * (at + 3 * len));
        this.bind();
      }
      const bytes = this.bytes;
      // A plain copy while the text is ASCII (most attribute values); encodeInto for the rest.
      let j = 0;
      for (let c = 0; j < len && (c = value.charCodeAt(j)) < 0x80; j++) bytes[at + j] = c;
      const end = j === len ? at + len : at + j + encoder.encodeInto(value.slice(j), bytes.subarray(at + j)).written;
      this.kinds[i] = STRING;
      this.spans[2 * i] = at;
      this.spans[2 * i + 1] = end - at;
      at = end;
    } else if (typeof value === 'number') {
      this.kinds[i] = NUMBER;
      this.numbers[i] = value;
    } else if (typeof value === 'boolean') {
      this.kinds[i] = BOOLEAN;
      this.numbers[i] = value ? 1 : 0;
    } else {
      this.kinds[i] = 0;
    }
    this.textEnds[i] = at;
    return at;
  }

  /** (Re-)creates the views; needed whenever memory grew and detached the old buffer. */
  private bind(): void {
    const [kinds, spans, numbers, bytes, bytesLength, results, wide] = this.ev.layout();
    const buffer = (wasmMemory() as WebAssembly.Memory).buffer;
    const n = this.names.length;
    this.kinds = new Uint8Array(buffer, kinds, n);
    this.spans = new Uint32Array(buffer, spans, 2 * n);
    this.numbers = new Float64Array(buffer, numbers, n);
    this.bytes = new Uint8Array(buffer, bytes, bytesLength);
    this.results = new Int32Array(buffer, results, this.keys.length);
    this.wide = new Int32Array(buffer, wide, 3);
  }
}

/** The context's `attributes`, `undefined` when absent, or INVALID when the JSON form would not parse. */
function attributesOf(ctx: unknown): Record<string, unknown> | undefined | typeof INVALID {
  if (typeof ctx !== 'object' || ctx === null || Array.isArray(ctx)) return INVALID;
  const { key, appVersion, attributes } = ctx as Record<string, unknown>;
  if (key != null && typeof key !== 'string') return INVALID;
  if (appVersion != null && typeof appVersion !== 'string') return INVALID;
  if (attributes === undefined) return undefined;
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) return INVALID;
  return attributes as Record<string, unknown>;
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
