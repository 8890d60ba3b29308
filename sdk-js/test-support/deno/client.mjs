// Runs the default entry in Deno for the Deno tests; prints one JSON line per phase.
//   deno run client.mjs bootstrap <datafile.json>   evaluate a bootstrap datafile, no network
//   deno run client.mjs live <baseUrl> <sdkKey>      fetch + stream; print on ready, then on the next change
import { createClient } from '../../dist/index.js';

const [mode, ...args] = Deno.args;
const print = (line) => console.log(JSON.stringify(line));
const context = { key: 'deno-user', attributes: { plan: 'beta' } };

if (mode === 'bootstrap') {
  const client = createClient({ datafile: await Deno.readTextFile(args[0]), context });
  await client.ready();
  print({ phase: 'ready', runtime: `deno ${Deno.version.deno}`, revision: client.stats().revision, all: client.evaluateAll() });
  await client.close();
} else if (mode === 'live') {
  const [baseUrl, sdkKey, flagKey] = args;
  const client = createClient({ baseUrl, sdkKey, context, stream: true, pollIntervalMs: 60_000 });
  await client.ready(10_000);
  const changed = new Promise((resolve) => client.on('change', resolve));
  print({ phase: 'ready', revision: client.stats().revision, value: client.isEnabled(flagKey) });
  const change = await Promise.race([changed, new Promise((resolve) => setTimeout(resolve, 15_000, null))]);
  print({ phase: 'change', change, value: client.isEnabled(flagKey) });
  await client.close();
} else {
  throw new Error(`unknown mode ${mode}`);
}
