// Deno: deno run --allow-net=flags.example.com --allow-read examples/deno.mjs <baseUrl> <sdkKey>
import { createClient } from 'npm:@halyard/sdk';

const [baseUrl, sdkKey] = Deno.args;
const client = createClient({ baseUrl, sdkKey, context: { key: 'deno-user', attributes: { country: 'FI' } } });
await client.ready(5_000);
console.log('new_checkout:', client.isEnabled('new_checkout'));
await client.close();
