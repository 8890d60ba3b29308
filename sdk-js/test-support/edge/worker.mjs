// A Cloudflare-style worker using @halyard/sdk/edge, run by workerd in the
// edge tests. `/bootstrap` evaluates from the DATAFILE binding with no
// network; `/live` fetches from the control plane at BASE_URL.
import { createClient } from '@halyard/sdk/edge';
import wasm from '@halyard/sdk/evaluator.wasm';

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    const context = { key: url.searchParams.get('key') ?? 'anonymous', attributes: { plan: url.searchParams.get('plan') ?? 'free' } };
    const live = url.pathname === '/live';
    const client = live
      ? createClient({ wasm, sdkKey: env.SDK_KEY, baseUrl: env.BASE_URL, context, pollIntervalMs: 0 })
      : createClient({ wasm, datafile: env.DATAFILE, context });
    try {
      await client.ready(5_000);
      return Response.json({
        wasmIsModule: wasm instanceof WebAssembly.Module,
        revision: client.stats().revision,
        isEnabled: client.isEnabled(url.searchParams.get('flag') ?? 'new_checkout'),
        all: client.evaluateAll(),
      });
    } catch (error) {
      return Response.json({ error: String(error?.message ?? error) }, { status: 500 });
    } finally {
      // Queued events (and the final flush) outlive the response.
      ctx.waitUntil(client.close());
    }
  },
};
