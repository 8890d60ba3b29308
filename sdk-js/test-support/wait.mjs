// Polling helpers for tests that wait on something asynchronous and real.

/** Resolves with the first truthy value of `probe()` (sync or async), polling every 50 ms; rejects after `timeoutMs`. */
export async function waitFor(probe, { timeoutMs = 10_000, message = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await probe();
    if (last) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${message} (last: ${JSON.stringify(last)})`);
}

/** Resolves with the next payload of `client.on(event)`; rejects after `timeoutMs`. */
export function nextEvent(client, event, timeoutMs = 10_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no '${event}' event within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = client.on(event, (payload) => {
      clearTimeout(timer);
      off();
      resolve(payload);
    });
  });
}

/** A fetch that records every request the client makes (method, path, If-None-Match, status) and then really makes it. */
export function recordingFetch() {
  const log = [];
  const fetch = async (url, init = {}) => {
    const entry = { method: init.method ?? 'GET', path: new URL(url).pathname, ifNoneMatch: new Headers(init.headers).get('if-none-match'), status: null };
    log.push(entry);
    const response = await globalThis.fetch(url, init);
    entry.status = response.status;
    entry.etag = response.headers.get('etag');
    return response;
  };
  return { fetch, log };
}
