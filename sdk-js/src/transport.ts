import { pageDocument } from './emitter.js';
import { HalyardError, type HalyardErrorKind } from './errors.js';
import type { SdkEvent } from './events.js';
import { timeoutSignal } from './timing.js';
import { SDK_VERSION } from './version.js';

/** The subset of `fetch` the client uses; any WHATWG-compatible implementation works. */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** What a datafile request answered: new bytes, or "what you have is current". */
export type DatafileResponse = { status: 200; body: string; etag: string | null } | { status: 304 };

/** Where and how the client talks to the control plane's SDK endpoints. */
export interface TransportOptions {
  baseUrl: string;
  sdkKey: string;
  fetch: FetchLike;
  /** Per-request limit for everything but the stream. */
  requestTimeoutMs: number;
}

/** The four public SDK endpoints (datafile, stream, heartbeat, events) for one sdkKey. */
export class Transport {
  readonly #datafileUrl: string;
  readonly #streamUrl: string;
  readonly #heartbeatUrl: string;
  readonly #eventsUrl: string;
  readonly #options: TransportOptions;
  readonly #sdkType: string;
  // In a page the browser's HTTP cache revalidates the datafile (see fetchDatafile).
  readonly #browserCache = pageDocument() !== undefined;

  /** `sdkType` is the heartbeat's: which entry point made the client. */
  constructor(options: TransportOptions, sdkType: string) {
    this.#options = options;
    this.#sdkType = sdkType;
    const base = options.baseUrl.replace(/\/+$/, '');
    const key = encodeURIComponent(options.sdkKey);
    this.#datafileUrl = `${base}/api/sdk/datafile/${key}`;
    this.#streamUrl = `${base}/api/sdk/stream/${key}`;
    this.#heartbeatUrl = `${base}/api/sdk/heartbeat`;
    this.#eventsUrl = `${base}/api/sdk/events`;
  }

  /**
   * Fetches the datafile, conditionally on `etag`. Throws HalyardError('datafile') on failure.
   *
   * In a page, the browser's HTTP cache does the revalidation (`cache:
   * 'no-cache'` sends its own If-None-Match): a request without custom
   * headers needs no CORS preflight. Elsewhere there is no HTTP cache, so the
   * header is ours. Either way an unchanged ETag reads as a 304.
   */
  async fetchDatafile(etag: string | null, signal: AbortSignal): Promise<DatafileResponse> {
    const init: RequestInit = { headers: { accept: 'application/json' } };
    if (this.#browserCache) init.cache = 'no-cache';
    else if (etag) init.headers = { accept: 'application/json', 'if-none-match': etag };
    return this.#request('datafile', this.#datafileUrl, init, signal, async (response) => {
      const responseEtag = response.headers.get('etag');
      if (response.status === 304 || (etag !== null && responseEtag === etag)) {
        await discardBody(response);
        return { status: 304 };
      }
      return { status: 200, body: await response.text(), etag: responseEtag };
    });
  }

  /** Posts the contract-004 heartbeat (bounded by the request timeout only). Throws HalyardError('heartbeat') on failure. */
  async sendHeartbeat(): Promise<void> {
    const body = JSON.stringify({ sdkKey: this.#options.sdkKey, sdkType: this.#sdkType, sdkVersion: SDK_VERSION });
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body };
    await this.#request('heartbeat', this.#heartbeatUrl, init, undefined, discardBody);
  }

  /**
   * Posts one batch of events. The body is sent as text/plain, which the
   * endpoint accepts and which spares browsers a CORS preflight.
   * Throws HalyardError('events') on failure.
   */
  async postEvents(events: SdkEvent[], signal: AbortSignal): Promise<void> {
    await this.#request('events', this.#eventsUrl, this.#eventsInit(events), signal, discardBody);
  }

  /**
   * Sends one batch in a way that outlives the page: `navigator.sendBeacon`,
   * or a `keepalive` fetch when the browser refuses the beacon (or has none).
   * Never throws or rejects.
   */
  beaconEvents(events: SdkEvent[]): void {
    const init = this.#eventsInit(events);
    const nav = (globalThis as { navigator?: { sendBeacon?: (url: string, body: string) => boolean } }).navigator;
    try {
      if (nav?.sendBeacon?.(this.#eventsUrl, init.body)) return;
    } catch {
      // refused: the fetch below
    }
    this.#options.fetch(this.#eventsUrl, { ...init, keepalive: true }).then(discardBody, () => undefined);
  }

  #eventsInit(events: SdkEvent[]) {
    const body = JSON.stringify({ sdkKey: this.#options.sdkKey, events });
    return { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8' }, body };
  }

  /**
   * Opens the Server-Sent Events revision stream and returns its body. No time
   * limit (it stays open): `signal` closes it. Throws HalyardError('stream') on failure.
   */
  async openStream(signal: AbortSignal): Promise<ReadableStream<Uint8Array>> {
    const url = this.#streamUrl;
    const { body, status } = await this.#send('stream', url, { headers: { accept: 'text/event-stream' }, signal });
    if (!body) throw new HalyardError('stream', `stream request to ${url} answered ${status} without a body`, { status });
    return body;
  }

  /** `#send` within the request timeout (and `parent`), then `read` of the response. */
  async #request<T>(
    kind: HalyardErrorKind,
    url: string,
    init: RequestInit,
    parent: AbortSignal | undefined,
    read: (response: Response) => Promise<T>,
  ): Promise<T> {
    const timeout = timeoutSignal(parent, this.#options.requestTimeoutMs);
    try {
      return await read(await this.#send(kind, url, { ...init, signal: timeout.signal }));
    } finally {
      timeout.clear();
    }
  }

  /** Fetches `url`: the response when it is 2xx or 304, otherwise HalyardError(kind) thrown. */
  async #send(kind: HalyardErrorKind, url: string, init: RequestInit): Promise<Response> {
    let response: Response;
    try {
      response = await this.#options.fetch(url, init);
    } catch (error) {
      throw new HalyardError(kind, `${kind} request to ${url} failed: ${errorMessage(error)}`, { cause: error });
    }
    if (response.status >= 400 || (response.status >= 300 && response.status !== 304)) {
      throw new HalyardError(kind, `${kind} request to ${url} answered ${response.status}${await readErrorBody(response)}`, {
        status: response.status,
      });
    }
    return response;
  }
}

async function discardBody(response: Response): Promise<void> {
  // Reading the body releases the connection at once (undici otherwise holds it until GC).
  await response.arrayBuffer().catch(() => undefined);
}

async function readErrorBody(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed.error === 'string') return `: ${parsed.error}`;
  } catch {
    // not JSON: fall through to the raw text
  }
  return text ? `: ${text.slice(0, 200)}` : '';
}

/** The message of anything thrown, including the cause undici hides behind "fetch failed". */
export function errorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.message}${cause}`;
}
