// A Cloudflare Worker (or any workerd host): the engine comes in as a compiled
// WebAssembly.Module, the client lives for one request.
// wrangler.toml: [vars] HALYARD_BASE_URL = "https://flags.example.com", HALYARD_SDK_KEY = "sdk_…"
import { createClient } from '@halyard/sdk/edge';
import wasm from '@halyard/sdk/evaluator.wasm';

export default {
  async fetch(request, env, ctx) {
    const client = createClient({
      wasm,
      baseUrl: env.HALYARD_BASE_URL,
      sdkKey: env.HALYARD_SDK_KEY,
      pollIntervalMs: 0, // one fetch per request; put a CDN in front for caching
      context: { key: request.headers.get('x-user-id') ?? 'anonymous', attributes: { country: request.cf?.country ?? 'unknown' } },
    });
    try {
      await client.ready(2_000);
      const checkout = client.isEnabled('new_checkout') ? 'new checkout' : 'classic checkout';
      return new Response(`${client.stringVariation('banner_text', 'Welcome')} (${checkout})\n`);
    } catch {
      return new Response('Welcome (classic checkout)\n'); // Halyard unreachable: serve defaults
    } finally {
      ctx.waitUntil(client.close()); // the heartbeat and events finish after the response
    }
  },
};
