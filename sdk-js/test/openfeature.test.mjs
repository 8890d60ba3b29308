// The OpenFeature web provider, driven through the real @openfeature/web-sdk:
// values, variants, reasons, error codes, context changes and tracking.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { OpenFeature, ProviderStatus } from '@openfeature/web-sdk';
import { createClient } from '../dist/index.js';
import { HalyardProvider, toHalyardContext } from '../dist/openfeature.js';
import { booleanFlag, datafile, sampleDatafile, valueFlag } from '../test-support/datafile.mjs';

function reasonsDatafile() {
  const df = sampleDatafile();
  df.flags.push(
    { ...booleanFlag('scheduled'), scheduledEnableAt: Date.now() + 86_400_000 },
    { ...booleanFlag('needs_v2'), rolloutCondition: { minVersion: '2.0.0' } },
    booleanFlag('experiment', {
      on: false,
      rules: [{ id: 'rule_ab', type: 'AB_TEST', audiences: [], trafficAllocation: 1, variations: [{ variation: 'on', percentage: 1 }] }],
    }),
  );
  return df;
}

after(() => OpenFeature.close());

// First on purpose: the engine's WebAssembly is loaded once per process, and
// this test needs the load to fail.
test('an engine that cannot load answers GENERAL', async () => {
  const provider = new HalyardProvider({ datafile: sampleDatafile(), wasm: new Uint8Array([0, 97, 115, 109, 9, 9, 9, 9]) });
  await assert.rejects(provider.initialize({}));
  const details = provider.resolveBooleanEvaluation('new_checkout', true);
  assert.equal(details.errorCode, 'GENERAL');
  assert.equal(details.value, true);
  await provider.onClose();
});

test('values, variants and reasons through OpenFeature', async () => {
  await OpenFeature.setContext({ targetingKey: 'vip-1', appVersion: '1.0.0' });
  await OpenFeature.setProviderAndWait(new HalyardProvider({ datafile: reasonsDatafile() }));
  const client = OpenFeature.getClient();
  const override = client.getBooleanDetails('new_checkout', false);
  assert.equal(override.value, true);
  assert.equal(override.variant, 'on');
  assert.equal(override.reason, 'TARGETING_MATCH');
  assert.equal(override.flagMetadata.halyardReason, 'OVERRIDE');
  assert.equal(override.errorCode, undefined);

  const text = client.getStringDetails('banner_text', 'x');
  assert.deepEqual([text.value, text.variant, text.reason], ['Hello again', 'v1', 'DEFAULT']);
  assert.equal(client.getNumberValue('max_items', 0), 25);
  assert.deepEqual(client.getObjectValue('theme', {}), { color: 'green', size: 2 });
  assert.equal(client.getBooleanDetails('dark_mode', true).reason, 'DISABLED');

  const scheduled = client.getBooleanDetails('scheduled', true);
  assert.deepEqual([scheduled.value, scheduled.reason, scheduled.flagMetadata.halyardReason], [false, 'DISABLED', 'SCHEDULED']);
  const gated = client.getBooleanDetails('needs_v2', true);
  assert.deepEqual([gated.value, gated.reason, gated.flagMetadata.halyardReason], [false, 'TARGETING_MATCH', 'ROLLOUT_CONDITION']);
  const split = client.getBooleanDetails('experiment', false);
  assert.deepEqual([split.value, split.reason, split.flagMetadata.ruleId], [true, 'SPLIT', 'rule_ab']);
});

test('error codes: FLAG_NOT_FOUND and TYPE_MISMATCH answer the default', () => {
  const client = OpenFeature.getClient();
  const missing = client.getBooleanDetails('nope', true);
  assert.deepEqual([missing.value, missing.reason, missing.errorCode], [true, 'ERROR', 'FLAG_NOT_FOUND']);
  const mismatch = client.getStringDetails('max_items', 'x');
  assert.deepEqual([mismatch.value, mismatch.reason, mismatch.errorCode], ['x', 'ERROR', 'TYPE_MISMATCH']);
  assert.match(mismatch.errorMessage, /TYPE_MISMATCH/);
});

test('a context change reaches the Halyard client at once', async () => {
  const client = OpenFeature.getClient();
  await OpenFeature.setContext({ targetingKey: 'user-7', plan: 'beta', appVersion: '2.1.0' });
  const rule = client.getBooleanDetails('new_checkout', false);
  assert.deepEqual([rule.value, rule.reason, rule.flagMetadata.ruleId], [true, 'TARGETING_MATCH', 'rule_beta']);
  assert.equal(client.getBooleanValue('needs_v2', false), true);
  await OpenFeature.setContext({ targetingKey: 'user-7' });
  assert.equal(client.getBooleanDetails('new_checkout', true).reason, 'DEFAULT');
  assert.equal(OpenFeature.getProvider().halyardClient.getContext().key, 'user-7');
});

test('PROVIDER_NOT_READY before the first datafile', async () => {
  const halyard = createClient({ sdkKey: 'k', baseUrl: 'http://127.0.0.1:9', pollIntervalMs: 0 });
  const provider = new HalyardProvider(halyard);
  const details = provider.resolveStringEvaluation('banner_text', 'd');
  assert.deepEqual([details.value, details.reason, details.errorCode], ['d', 'ERROR', 'PROVIDER_NOT_READY']);
  const unattached = new HalyardProvider({ datafile: sampleDatafile() });
  assert.equal(unattached.resolveBooleanEvaluation('new_checkout', true).errorCode, 'PROVIDER_NOT_READY');
  await halyard.close();
});

test('an invalid datafile makes initialization fail and evaluations answer PARSE_ERROR', async () => {
  const provider = new HalyardProvider({ datafile: datafile([valueFlag('x', 'NUMBER', ['not a number'])]) });
  await assert.rejects(OpenFeature.setProviderAndWait('broken', provider));
  assert.equal(OpenFeature.getClient('broken').providerStatus, ProviderStatus.ERROR);
  const details = OpenFeature.getClient('broken').getNumberDetails('x', 5);
  assert.deepEqual([details.value, details.reason, details.errorCode], [5, 'ERROR', 'PARSE_ERROR']);
});

test('track() becomes a Halyard custom event; a provider wrapping a client leaves it open', async () => {
  const halyard = createClient({ sdkKey: 'k', baseUrl: 'http://127.0.0.1:9', datafile: sampleDatafile(), pollIntervalMs: 0, flushIntervalMs: 0 });
  await OpenFeature.setProviderAndWait('tracking', new HalyardProvider(halyard));
  const client = OpenFeature.getClient('tracking');
  client.track('purchase', { value: 19.5 });
  client.track('signup');
  assert.equal(halyard.stats().queuedEvents, 2);
  await OpenFeature.clearProviders();
  assert.equal(halyard.evaluate('banner_text').value, 'Hello again', 'the caller still owns the client');
  await halyard.close();
});

test('toHalyardContext keeps primitives, maps Dates, drops objects and arrays', () => {
  const when = new Date('2026-01-02T03:04:05Z');
  assert.deepEqual(toHalyardContext({ targetingKey: 'u', appVersion: '1.2', country: 'NO', age: 40, beta: true, since: when, nested: { a: 1 }, list: [1], nan: NaN }), {
    key: 'u',
    appVersion: '1.2',
    attributes: { country: 'NO', age: 40, beta: true, since: '2026-01-02T03:04:05.000Z' },
  });
});
