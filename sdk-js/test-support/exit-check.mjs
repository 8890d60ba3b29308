// Run by the live-server test as its own Node process: a client with polling,
// the stream and events all active, closed after one evaluation and one event.
// The process must then exit on its own (no timer or socket left behind).
import { createClient } from '../dist/index.js';

const [baseUrl, sdkKey] = process.argv.slice(2);
let eventsAccepted = false;
const fetch = async (url, init) => {
  const response = await globalThis.fetch(url, init);
  if (url.endsWith('/api/sdk/events') && response.status === 202) eventsAccepted = true;
  return response;
};
const client = createClient({ baseUrl, sdkKey, fetch, stream: true, pollIntervalMs: 1_000, context: { key: 'exit-check' } });
await client.ready(10_000);
client.isEnabled('events_flag');
client.track('purchase', 1);
await new Promise((resolve) => setTimeout(resolve, 200)); // let the stream connect
await client.close();
console.log(JSON.stringify({ eventsAccepted }));
console.log('closed');
