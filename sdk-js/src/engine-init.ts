/**
 * Loading the WebAssembly build of evaluator-core, once per JavaScript realm:
 * from bytes, a URL, a fetch `Response`, or a precompiled `WebAssembly.Module`.
 */
import wasmInit, { initSync, type InitOutput } from './wasm/evaluator_wasm.js';

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
  const from = source ?? (await defaultSource());
  if (from instanceof WebAssembly.Module) return initSync({ module: from });
  // Bytes are compiled here, not by the glue: its async path looks up the
  // global `Response`, which in Node loads the whole fetch implementation
  // (20-30 ms of cold start). Instantiating a compiled module is synchronous
  // everywhere, browsers' main threads included.
  if (isBytes(from)) return initSync({ module: await WebAssembly.compile(from) });
  return wasmInit({ module_or_path: from });
}

function isBytes(source: unknown): source is BufferSource {
  return ArrayBuffer.isView(source) || source instanceof ArrayBuffer;
}

async function defaultSource(): Promise<URL | BufferSource> {
  const url = new URL('./wasm/evaluator_wasm_bg.wasm', import.meta.url);
  if (url.protocol !== 'file:') return url;
  // Node's fetch has no file: URLs. The specifier is a variable so that
  // browser bundlers do not try to resolve a Node built-in.
  const fs = 'node:fs/promises';
  // process.getBuiltinModule (Node >= 20.16) is synchronous: ~0.5 ms less than an import().
  const node = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process;
  const { readFile } = (node?.getBuiltinModule?.(fs) ?? (await import(fs))) as { readFile(u: URL): Promise<BufferSource> };
  return readFile(url);
}

/** The instance's linear memory once `initWasm` has completed. */
export function wasmMemory(): WebAssembly.Memory | undefined {
  return wasm?.memory;
}
