// A Node service: fetch the environment's datafile from Halyard, follow
// publishes over the stream, evaluate locally, report a conversion.
//   HALYARD_BASE_URL=http://127.0.0.1:8080 HALYARD_SDK_KEY=sdk_… node examples/node.mjs
import { createClient } from '@halyard/sdk';

const client = createClient({
  baseUrl: process.env.HALYARD_BASE_URL,
  sdkKey: process.env.HALYARD_SDK_KEY,
  context: { key: 'user-42', appVersion: '2.4.0', attributes: { country: 'NO' } },
  stream: true,
});
client.on('change', ({ revision, flagKeys }) => console.log(`revision ${revision} changed: ${flagKeys.join(', ')}`));
client.on('error', (error) => console.warn('halyard:', error.message)); // the last good datafile keeps serving

await client.ready(5_000);
console.log('new_checkout:', client.isEnabled('new_checkout'));
client.track('purchase', 59.9);
await client.close(); // sends queued events, stops polling and the stream
