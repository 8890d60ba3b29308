import type { Context } from './evaluation.js';
import type { FetchLike } from './transport.js';

/** Options of `createClient`. Only `sdkKey` + `baseUrl`, or `datafile`, are needed. */
export interface ClientOptions {
  /** The environment's public SDK key. Required with `baseUrl`. */
  sdkKey?: string;
  /**
   * Origin (and optional path prefix) of the Halyard control plane or of a CDN
   * in front of it, e.g. `https://flags.example.com`. Without it the client
   * never touches the network and evaluates the bootstrap `datafile` only.
   */
  baseUrl?: string;
  /** Initial evaluation context (default `{}`); change it with `setContext`. */
  context?: Context;
  /**
   * A datafile to start from, as the JSON text or the parsed object (SSR,
   * edge workers, tests, offline apps). The client is ready as soon as the
   * engine is loaded; with `baseUrl` it still fetches newer revisions.
   */
  datafile?: string | object;
  /** How often to poll the datafile, in ms (default 30,000). 0 fetches once and relies on `stream`. */
  pollIntervalMs?: number;
  /** Listen to the server's revision stream and refetch at once on a publish (default false). */
  stream?: boolean;
  /** The `fetch` to use (default `globalThis.fetch`), e.g. to add headers or go through a proxy. */
  fetch?: FetchLike;
  /** Send impressions, evaluation counts and `track` events (default true when `baseUrl` is set). */
  sendEvents?: boolean;
  /** How often queued events are posted, in ms (default 10,000). 0 posts only on `flush()`, page hide and `close()`. */
  flushIntervalMs?: number;
  /** Events held at most while they cannot be sent; the oldest are dropped beyond it (default 1,000). */
  eventQueueCapacity?: number;
  /** Time limit of each datafile, heartbeat and events request, in ms (default 10,000). */
  requestTimeoutMs?: number;
  /**
   * The time evaluations see, in epoch ms (default: the real clock). Schedules
   * and activation dates compare against it: preview a launch, or pin time in tests.
   */
  clock?: () => number;
}

/** Fills defaults and checks option types; a configuration mistake throws at `createClient`, never later. */
export function resolveOptions(options: ClientOptions): Required<Omit<ClientOptions, 'sdkKey' | 'baseUrl' | 'datafile' | 'clock'>> &
  Pick<ClientOptions, 'sdkKey' | 'baseUrl' | 'datafile' | 'clock'> {
  if (options === null || typeof options !== 'object') throw new TypeError('createClient: options must be an object');
  const { baseUrl, sdkKey } = options;
  if (baseUrl !== undefined && (typeof sdkKey !== 'string' || sdkKey === '')) {
    throw new TypeError('createClient: sdkKey is required when baseUrl is set');
  }
  if (options.clock !== undefined && typeof options.clock !== 'function') throw new TypeError('createClient: clock must be a function');
  if (baseUrl === undefined && options.datafile === undefined) {
    throw new TypeError('createClient: pass baseUrl and sdkKey, or a bootstrap datafile');
  }
  return {
    ...options,
    context: options.context ?? {},
    pollIntervalMs: nonNegative(options, 'pollIntervalMs', 30_000),
    stream: options.stream ?? false,
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    sendEvents: options.sendEvents ?? baseUrl !== undefined,
    flushIntervalMs: nonNegative(options, 'flushIntervalMs', 10_000),
    eventQueueCapacity: nonNegative(options, 'eventQueueCapacity', 1_000),
    requestTimeoutMs: nonNegative(options, 'requestTimeoutMs', 10_000),
  };
}

type NumericOption = 'pollIntervalMs' | 'flushIntervalMs' | 'eventQueueCapacity' | 'requestTimeoutMs';

/** Option `name`, or `fallback` when absent; a negative or non-finite number throws. */
function nonNegative(options: ClientOptions, name: NumericOption, fallback: number): number {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`createClient: ${name} must be a finite number >= 0`);
  }
  return value;
}
