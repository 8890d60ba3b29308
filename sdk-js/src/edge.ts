/**
 * `@halyard/sdk/edge`: the client for edge workers (Cloudflare workerd and
 * others that cannot compile WebAssembly from bytes at run time). Import the
 * package's `.wasm` as a module and pass it as `wasm`.
 */
import { HalyardClient } from './client.js';
import { initWasm } from './engine.js';
import type { ClientOptions } from './options.js';

/** Options of the edge entry's `createClient`: `wasm` is required. */
export interface EdgeClientOptions extends ClientOptions {
  /** The engine, precompiled (`import wasm from '@halyard/sdk/evaluator.wasm'` in a worker) or as bytes. */
  wasm: WebAssembly.Module | BufferSource;
}

/**
 * Creates a client from a precompiled engine module. In a worker, create it
 * inside the request handler (workers forbid I/O outside one), usually with
 * `pollIntervalMs: 0`, and hand `client.close()` to `ctx.waitUntil` so queued
 * events are sent. Throws only on invalid options.
 */
export function createClient(options: EdgeClientOptions): HalyardClient {
  if (!options || !(options.wasm instanceof WebAssembly.Module || ArrayBuffer.isView(options.wasm) || options.wasm instanceof ArrayBuffer)) {
    throw new TypeError('createClient (edge): pass the engine as `wasm` (a WebAssembly.Module or its bytes)');
  }
  return new HalyardClient(options, { sdkType: '@halyard/sdk/edge', initialize: () => initWasm(options.wasm) });
}

export { HalyardClient } from './client.js';
export type { ChangeEvent, ClientEvents, ClientStats } from './client.js';
export { HalyardError, type HalyardErrorKind } from './errors.js';
export type { Context, ErrorCode, Evaluation, Reason, Value, ValueType } from './evaluation.js';
export type { ClientOptions } from './options.js';
export type { FetchLike } from './transport.js';
export { SDK_VERSION } from './version.js';
