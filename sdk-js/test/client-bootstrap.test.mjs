// The client with a bootstrap datafile and no network: readiness, every
// evaluation method, context changes, error answers, and close().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createClient, HalyardError, SDK_VERSION } from '../dist/index.js';
import { datafile, sampleDatafile } from '../test-support/datafile.mjs';

/** A fetch that fails the test if the client ever uses the network. */
function forbiddenFetch() {
  const calls = [];
  const fetch = (url) => {
    calls.push(url);
    return Promise.reject(new Error(`unexpected network call to ${url}`));
  };
  return { fetch, calls };
}

async function bootstrapped(context = {}, extra = {}) {
  const network = forbiddenFetch();
  const client = createClient({ datafile: sampleDatafile(), context, fetch: network.fetch, ...extra });
  await client.ready();
  return { client, network };
}

test('answers the caller default with PROVIDER_NOT_READY before the first datafile', async () => {
  const client = createClient({ datafile: sampleDatafile() });
  const early = client.evaluate('new_checkout', 'fallback');
  assert.equal(early.value, 'fallback');
  assert.equal(early.reason, 'ERROR');
  assert.equal(early.errorCode, 'PROVIDER_NOT_READY');
  assert.equal(client.isEnabled('new_checkout'), false);
  assert.equal(client.stringVariation('banner_text', 'x'), 'x');
  assert.deepEqual(client.evaluateAll(), {});
  await client.ready();
  assert.equal(client.evaluate('banner_text').reason, 'DEFAULT');
  await client.close();
});

test('evaluates from a bootstrap object without touching the network', async () => {
  const { client, network } = await bootstrapped({ key: 'user-1', attributes: { plan: 'beta' } });
  assert.deepEqual(client.evaluate('new_checkout'), {
    flagKey: 'new_checkout',
    value: true,
    variation: 'on',
    reason: 'TARGETING_MATCH',
    ruleId: 'rule_beta',
    errorCode: null,
    versionSufficient: null,
    dateReached: null,
  });
  assert.equal(client.isEnabled('new_checkout'), true);
  assert.equal(client.evaluate('dark_mode').reason, 'DISABLED');
  assert.equal(client.variation('max_items', 0), 25);
  client.track('purchase', 12);
  await client.flush();
  await client.close();
  assert.deepEqual(network.calls, []);
});

test('accepts the datafile as JSON text', async () => {
  const client = createClient({ datafile: JSON.stringify(sampleDatafile(7)) });
  await client.ready();
  assert.equal(client.stats().revision, 7);
  assert.equal(client.variation('banner_text'), 'Hello again');
  await client.close();
});

test('typed variations answer the default with TYPE_MISMATCH for another type', async () => {
  const { client } = await bootstrapped();
  assert.equal(client.booleanVariation('dark_mode', true), false);
  assert.equal(client.stringVariation('banner_text', 'x'), 'Hello again');
  assert.equal(client.numberVariation('max_items', 1), 25);
  assert.deepEqual(client.jsonVariation('theme', {}), { color: 'green', size: 2 });
  assert.equal(client.booleanVariation('banner_text', true), true);
  assert.equal(client.numberVariation('theme', 3), 3);
  const mismatch = client.evaluate('max_items', 'n/a', 'string');
  assert.equal(mismatch.reason, 'ERROR');
  assert.equal(mismatch.errorCode, 'TYPE_MISMATCH');
  assert.equal(mismatch.value, 'n/a');
  assert.equal(client.isEnabled('banner_text'), false);
  await client.close();
});

test('unknown flags answer the default with FLAG_NOT_FOUND', async () => {
  const { client } = await bootstrapped();
  const missing = client.evaluate('nope', 42);
  assert.equal(missing.value, 42);
  assert.equal(missing.errorCode, 'FLAG_NOT_FOUND');
  assert.equal(client.variation('nope'), null);
  assert.equal(client.isEnabled('nope'), false);
  await client.close();
});

test('setContext changes later evaluations: override, rule, default', async () => {
  const { client } = await bootstrapped({ key: 'user-1' });
  assert.equal(client.evaluate('new_checkout').reason, 'DEFAULT');
  client.setContext({ key: 'vip-1' });
  assert.equal(client.evaluate('new_checkout').reason, 'OVERRIDE');
  assert.equal(client.isEnabled('new_checkout'), true);
  client.setContext({ key: 'user-2', attributes: { plan: 'beta' } });
  assert.deepEqual(client.getContext(), { key: 'user-2', attributes: { plan: 'beta' } });
  assert.equal(client.evaluate('new_checkout').ruleId, 'rule_beta');
  await client.close();
});

test('evaluateAll returns every flag keyed by flag key, in datafile order', async () => {
  const { client } = await bootstrapped({ key: 'vip-1' });
  const all = client.evaluateAll();
  assert.deepEqual(Object.keys(all), ['new_checkout', 'dark_mode', 'banner_text', 'max_items', 'theme']);
  assert.equal(all.new_checkout.reason, 'OVERRIDE');
  assert.equal(all.theme.value.color, 'green');
  await client.close();
});

test('evaluation never throws, whatever it is given', async () => {
  const { client } = await bootstrapped();
  for (const key of [undefined, null, 42, {}, '', 'x'.repeat(10_000)]) {
    assert.equal(client.evaluate(key, 'd').value, 'd');
    assert.equal(client.isEnabled(key), false);
  }
  client.setContext({ key: 12, attributes: 'nope' });
  const invalid = client.evaluate('banner_text', 'd');
  assert.equal(invalid.errorCode, 'INVALID_CONTEXT');
  assert.equal(invalid.value, 'd');
  client.setContext(null);
  assert.equal(client.evaluate('banner_text').value, 'Hello again');
  await client.close();
});

test('an invalid bootstrap datafile without network rejects ready and answers PARSE_ERROR', async () => {
  const broken = datafile([{ key: 'x', type: 'BOOLEAN' }]);
  const client = createClient({ datafile: broken });
  const errors = [];
  client.on('error', (error) => errors.push(error));
  await assert.rejects(client.ready(), (error) => error instanceof HalyardError && error.kind === 'datafile');
  assert.equal(errors.length, 2, 'the datafile error, then the reason ready() failed');
  assert.match(errors[0].message, /invalid datafile/);
  const result = client.evaluate('x', true);
  assert.equal(result.errorCode, 'PARSE_ERROR');
  assert.equal(result.value, true);
  await client.close();
});

test('ready(timeoutMs) rejects when the first datafile does not arrive in time', async () => {
  // A server that accepts the connection and never answers.
  const { createServer } = await import('node:net');
  const sockets = [];
  const server = createServer((socket) => sockets.push(socket));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = createClient({ sdkKey: 'k', baseUrl: `http://127.0.0.1:${server.address().port}` });
  await assert.rejects(client.ready(200), /not ready after 200 ms/);
  await client.close();
  await assert.rejects(client.ready(), /closed before it was ready/);
  for (const socket of sockets) socket.destroy();
  server.close();
});

test('close() is idempotent and later evaluations answer defaults', async () => {
  const { client } = await bootstrapped();
  const closing = client.close();
  assert.equal(client.close(), closing);
  await closing;
  assert.equal(client.evaluate('banner_text', 'd').value, 'd');
  assert.equal(client.stats().revision, null);
});

test('a throwing listener does not break the client or other listeners', async () => {
  const originalError = console.error;
  const logged = [];
  console.error = (...args) => logged.push(args);
  try {
    const client = createClient({ datafile: sampleDatafile() });
    let second = false;
    client.on('ready', () => {
      throw new Error('listener bug');
    });
    const off = client.on('ready', () => (second = true));
    await client.ready();
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.equal(second, true);
    assert.equal(logged.length, 1);
    off();
    assert.equal(client.evaluate('banner_text').value, 'Hello again');
    await client.close();
  } finally {
    console.error = originalError;
  }
});

test('invalid options throw at createClient', () => {
  assert.throws(() => createClient({}), /baseUrl and sdkKey, or a bootstrap datafile/);
  assert.throws(() => createClient({ baseUrl: 'http://127.0.0.1:1' }), /sdkKey is required/);
  assert.throws(() => createClient({ datafile: sampleDatafile(), pollIntervalMs: -1 }), /pollIntervalMs/);
});

test('SDK_VERSION (the heartbeat sdkVersion) equals package.json version', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  assert.equal(SDK_VERSION, pkg.version);
});
