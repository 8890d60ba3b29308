// OpenFeature's web SDK with Halyard as the provider.
import { readFile } from 'node:fs/promises';
import { OpenFeature } from '@openfeature/web-sdk';
import { HalyardProvider } from '@halyard/sdk/openfeature';

const datafile = await readFile(new URL('./datafile.json', import.meta.url), 'utf8');
// In an app: new HalyardProvider({ baseUrl, sdkKey, stream: true })
await OpenFeature.setContext({ targetingKey: 'user-42', country: 'SE' });
await OpenFeature.setProviderAndWait(new HalyardProvider({ datafile }));

const client = OpenFeature.getClient();
const details = client.getBooleanDetails('new_checkout', false);
console.log('new_checkout:', JSON.stringify({ value: details.value, variant: details.variant, reason: details.reason }));
console.log('missing flag:', JSON.stringify(client.getStringDetails('no_such_flag', 'fallback')));
await OpenFeature.close();
