/**
 * `@halyard/sdk`: Halyard feature flags evaluated locally in WebAssembly, for
 * browsers, Node and Deno. Edge workers use `@halyard/sdk/edge`; OpenFeature
 * users `@halyard/sdk/openfeature`.
 */
import { HalyardClient } from './client.js';
import { initWasm, type WasmSource } from './engine.js';
import type { ClientOptions } from './options.js';

/** Options of the default entry's `createClient`. */
export interface DefaultClientOptions extends ClientOptions {
  /**
   * Where the engine's `.wasm` comes from (bytes, URL, Response or compiled
   * module). By default browsers and Deno fetch it next to this module and
   * Node reads it from the package; pass it when a bundler moved it.
   */
  wasm?: WasmSource;
}

/**
 * Creates a client. With `baseUrl` + `sdkKey` it fetches the environment's
 * datafile (and keeps it fresh); with `datafile` it starts from that, with no
 * network unless `baseUrl` is also set. Await `ready()` before relying on
 * evaluations. Throws only on invalid options.
 */
export function createClient(options: DefaultClientOptions): HalyardClient {
  return new HalyardClient(options, { sdkType: '@halyard/sdk', initialize: () => initWasm(options.wasm) });
}

export { HalyardClient } from './client.js';
export type { ChangeEvent, ClientEvents, ClientStats } from './client.js';
export { HalyardError, type HalyardErrorKind } from './errors.js';
export type { Context, ErrorCode, Evaluation, Reason, Value, ValueType } from './evaluation.js';
export type { ClientOptions } from './options.js';
export type { FetchLike } from './transport.js';
export type { WasmSource } from './engine.js';
export { SDK_VERSION } from './version.js';
