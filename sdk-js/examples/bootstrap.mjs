// Server-side rendering (or tests, or an offline app): evaluate from a
// datafile you already have. No baseUrl, so no network at all.
import { readFile } from 'node:fs/promises';
import { createClient } from '@halyard/sdk';

const datafile = await readFile(new URL('./datafile.json', import.meta.url), 'utf8');
const client = createClient({ datafile, context: { key: 'user-42', attributes: { country: 'NO' } } });
await client.ready();

console.log('new_checkout:', client.isEnabled('new_checkout'));
console.log('banner_text:', client.stringVariation('banner_text', 'Hello'));
const { value, reason, ruleId } = client.evaluate('new_checkout');
console.log('details:', JSON.stringify({ value, reason, ruleId }));

client.setContext({ key: 'user-43', attributes: { country: 'US' } });
console.log('new_checkout for a US user:', client.isEnabled('new_checkout'));
await client.close();
