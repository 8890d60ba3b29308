/**
 * Everything that touches the WebAssembly build of evaluator-core directly:
 * instantiating it once per JavaScript realm (from bytes, a URL, a fetch
 * `Response`, or a precompiled `WebAssembly.Module`), and the context in its
 * linear memory (layout: evaluator-wasm/src/slots.rs): per attribute the
 * datafile reads, a kind and a number, and the UTF-8 text of the string slots
 * back to back, written in place so that evaluation calls pass numbers only.
 * One module, not two: each module costs Node ~0.4 ms of cold start to import.
 */
import { initSync, type InitOutput } from './wasm/evaluator_wasm.js';
import type { Context } from './engine.js';

/** Where the `.wasm` comes from: bytes, a URL, a fetch `Response`, or a compiled module. */
export type WasmSource = BufferSource | WebAssembly.Module | URL | string | Response | Promise<Response>;

let wasm: InitOutput | undefined;
let pending: Promise<InitOutput> | undefined;

/**
 * Instantiates the WebAssembly module once; later calls return at once.
 * Without `source`, browsers fetch `wasm/evaluator_wasm_bg.wasm` next to this
 * file and Node reads it from disk. Edge workers pass their `WebAssembly.Module`.
 */
export function initWasm(source?: WasmSource): Promise<void> {
  if (wasm) return Promise.resolve();
  pending ??= instantiate(source).then(
    (exports) => (wasm = exports),
    (err: unknown) => {
      pending = undefined;
      throw err;
    },
  );
  return pending.then(() => undefined);
}

/**
 * Instantiates synchronously from a compiled module (edge workers' top level)
 * or from bytes (Node; browsers refuse synchronous compiles of large modules).
 */
export function initWasmSync(source: WebAssembly.Module | BufferSource): void {
  wasm ??= initSync({ module: source });
}

async function instantiate(source?: WasmSource): Promise<InitOutput> {
  let from = await (source ?? defaultSource());
  if (typeof from === 'string' || from instanceof URL) from = await fetch(from);
  if (from instanceof WebAssembly.Module) return initSync({ module: from });
  // Bytes are compiled here, not by the glue: its async path looks up the
  // global `Response`, which in Node loads the whole fetch implementation
  // (20-30 ms of cold start), and it adds ~1 KB to every bundle. Instantiating
  // a compiled module is synchronous everywhere, browsers' main threads
  // included. (WebAssembly.Module is `{}` to TypeScript: no instanceof narrows it away.)
  return initSync({ module: isBytes(from) ? await compileBytes(from) : await compileResponse(from as Response) });
}

/**
 * Compiles bytes synchronously where the platform allows it: in Node ~0.5 ms
 * less cold start than `WebAssembly.compile`, whose background job and promise
 * cost more than compiling this module lazily. Browsers that refuse
 * synchronous compiles of large modules on the main thread (older Chrome did
 * above 4 KB, with a RangeError) get the asynchronous compile.
 */
function compileBytes(bytes: BufferSource): WebAssembly.Module | Promise<WebAssembly.Module> {
  try {
    return new WebAssembly.Module(bytes);
  } catch (err) {
    if (err instanceof RangeError) return WebAssembly.compile(bytes);
    throw err;
  }
}

/** Compiles a fetched `.wasm`: streaming when it is served as application/wasm (compileStreaming refuses other types). */
async function compileResponse(response: Response): Promise<WebAssembly.Module> {
  if (!response.ok) throw new Error(`cannot fetch the engine: ${response.status} ${response.statusText} from ${response.url}`);
  if (response.headers.get('content-type') === 'application/wasm') return WebAssembly.compileStreaming(response);
  return WebAssembly.compile(await response.arrayBuffer());
}

function isBytes(source: unknown): source is BufferSource {
  return ArrayBuffer.isView(source) || source instanceof ArrayBuffer;
}

async function defaultSource(): Promise<URL | BufferSource> {
  const url = new URL('./wasm/evaluator_wasm_bg.wasm', import.meta.url);
  if (url.protocol !== 'file:') return url;
  // Node's fetch has no file: URLs. The specifier is a variable so that
  // browser bundlers do not try to resolve a Node built-in.
  const fs = 'node:fs';
  // process.getBuiltinModule (Node >= 20.16) is synchronous: ~0.5 ms less than an import().
  const node = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process;
  const { readFileSync } = (node?.getBuiltinModule?.(fs) ?? (await import(fs))) as { readFileSync(u: URL): BufferSource };
  // A synchronous read of ~110 KB: the promise API's thread-pool round trip costs more.
  return readFileSync(url);
}

/** The instance's linear memory once `initWasm` has completed. */
export function wasmMemory(): WebAssembly.Memory | undefined {
  return wasm?.memory;
}

/**
 * Compiles a datafile (after `initWasm`): the glue's `Evaluator`, or the
 * validation error as a string (`unknown` here so that no .d.ts exposes the
 * glue's types). The glue's `load` minus its string copy, a charCodeAt loop that a
 * cold process runs in the interpreter (~5 ms for a 22 KB datafile against
 * ~0.1 ms for `TextEncoder`). The module frees the bytes after the call.
 */
export function loadEvaluator(json: string): unknown {
  const exports = wasm as InitOutput;
  const bytes = encoder.encode(json);
  const at = exports.__wbindgen_malloc(bytes.length, 1) >>> 0;
  new Uint8Array(exports.memory.buffer, at, bytes.length).set(bytes);
  return exports.load(at, bytes.length);
}

// Slot kinds, as evaluator-wasm/src/slots.rs reads them (0 is missing).
const STRING = 1;
const NUMBER = 2;
const BOOLEAN = 3;
// Where a slot's value comes from: `attributes[name]`, or a top-level field first.
const FROM_ATTRIBUTES = 0;
const FROM_KEY = 1;
const FROM_APP_VERSION = 2;
const INVALID = Symbol('invalid context');
const encoder = new TextEncoder();

/** What the slots need of the evaluator (declared here so that no .d.ts exposes the glue's types). */
interface SlotsOwner {
  layout(): Uint32Array;
  reserve(len: number): void;
}

/** The current context's slots, and the views of the evaluator's buffers. */
export class ContextSlots {
  /** Bumped whenever the written context changes: results of older generations are stale. */
  generation = 1;
  /** Whether the last context was malformed (evaluations answer INVALID_CONTEXT). */
  invalid = false;
  /** Bytes of text the slots hold (evaluation calls pass it: the module validates them once per call). */
  textLength = 0;

  #ev: SlotsOwner;
  #flagCount: number;
  #names: string[];
  #sources: number[];
  #written: unknown[]; // the values last written, per slot
  #textEnds: number[]; // where the text ends after each slot, as last written

  // Views of the evaluator's buffers; re-created when memory grows (the old buffer detaches).
  #kinds!: Uint8Array;
  #spans!: Uint32Array;
  #numbers!: Float64Array;
  #bytes!: Uint8Array;
  #results!: Int32Array;
  #wide!: Int32Array;

  constructor(ev: SlotsOwner, names: string[], flagCount: number) {
    this.#ev = ev;
    this.#flagCount = flagCount;
    this.#names = names;
    this.#sources = names.map((n) => (n === 'key' ? FROM_KEY : n === 'appVersion' ? FROM_APP_VERSION : FROM_ATTRIBUTES));
    this.#written = names.map(() => undefined);
    this.#textEnds = names.map(() => 0);
    this.#bind();
  }

  /**
   * Writes `ctx` (the text is contiguous, so a changed slot rewrites the
   * slots after it). An unchanged context keeps the generation, so cached
   * results stay valid.
   */
  set(ctx: Context): void {
    try {
      const attributes = attributesOf(ctx);
      this.invalid = attributes === INVALID;
      if (attributes === INVALID) return;
      const names = this.#names;
      const sources = this.#sources;
      const written = this.#written;
      // One pass (cheapest when nothing changed): slots before the first
      // changed one keep their text; from there on every slot is written again.
      let at = -1;
      for (let i = 0; i < names.length; i++) {
        const source = sources[i];
        let value: unknown = source === FROM_KEY ? ctx.key : source === FROM_APP_VERSION ? ctx.appVersion : undefined;
        if (value == null && attributes !== undefined) value = attributes[names[i]];
        if (at < 0) {
          if (value === written[i]) continue;
          this.#rebindIfDetached();
          at = i === 0 ? 0 : this.#textEnds[i - 1];
        }
        written[i] = value;
        at = typeof value === 'string' ? this.#writeText(i, value, at) : this.#writeScalar(i, value, at);
        this.#textEnds[i] = at;
      }
      if (at >= 0) {
        this.textLength = at;
        this.generation++;
      }
    } catch {
      this.invalid = true;
      this.#written.fill(INVALID);
    }
  }

  /** The `results` buffer `evaluateAllInto` fills. */
  resultsView(): Int32Array {
    this.#rebindIfDetached();
    return this.#results;
  }

  /** The wide form of the last result that did not fit in an i32. */
  wideView(): Int32Array {
    this.#rebindIfDetached();
    return this.#wide;
  }

  /** Forgets every slot (the evaluator is being freed). */
  clear(): void {
    this.#names = [];
    this.#flagCount = 0;
  }

  /** Writes string slot `i` at `at`; returns where the text continues. */
  #writeText(i: number, value: string, at: number): number {
    const len = value.length;
    if (at + 3 * len > this.#bytes.length) this.#grow(at + 3 * len);
    const bytes = this.#bytes;
    // A plain copy while the text is ASCII (most attribute values).
    for (let j = 0; j < len; j++) {
      const c = value.charCodeAt(j);
      if (c > 0x7f) return this.#writeUtf8(i, value, at, j);
      bytes[at + j] = c;
    }
    this.#setSpan(i, at, len);
    return at + len;
  }

  /** `writeText` from the first non-ASCII character `j` on. */
  #writeUtf8(i: number, value: string, at: number, j: number): number {
    const end = at + j + encoder.encodeInto(value.slice(j), this.#bytes.subarray(at + j)).written;
    this.#setSpan(i, at, end - at);
    return end;
  }

  #setSpan(i: number, at: number, len: number): void {
    this.#kinds[i] = STRING;
    this.#spans[2 * i] = at;
    this.#spans[2 * i + 1] = len;
  }

  /** Writes a number, boolean or missing slot; the text goes on at `at`. */
  #writeScalar(i: number, value: unknown, at: number): number {
    if (typeof value === 'number') {
      this.#kinds[i] = NUMBER;
      this.#numbers[i] = value;
    } else if (typeof value === 'boolean') {
      this.#kinds[i] = BOOLEAN;
      this.#numbers[i] = value ? 1 : 0;
    } else {
      this.#kinds[i] = 0;
    }
    return at;
  }

  #grow(len: number): void {
    this.#ev.reserve(2 * len);
    this.#bind();
  }

  /**
   * Memory growth detaches every view at once (their length becomes 0; the
   * text area is never empty). `length`, not `byteLength`: in Node 20 the
   * latter is a builtin call, ~10 ns of every fresh context.
   */
  #rebindIfDetached(): void {
    if (this.#bytes.length === 0) this.#bind();
  }

  /** (Re-)creates the views; needed whenever memory grew and detached the old buffer. */
  #bind(): void {
    const [kinds, spans, numbers, bytes, bytesLength, results, wide] = this.#ev.layout();
    const buffer = (wasmMemory() as WebAssembly.Memory).buffer;
    const n = this.#names.length;
    this.#kinds = new Uint8Array(buffer, kinds, n);
    this.#spans = new Uint32Array(buffer, spans, 2 * n);
    this.#numbers = new Float64Array(buffer, numbers, n);
    this.#bytes = new Uint8Array(buffer, bytes, bytesLength);
    this.#results = new Int32Array(buffer, results, this.#flagCount);
    this.#wide = new Int32Array(buffer, wide, 3);
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
