// The client against a running control plane (the `halyard` binary on
// 127.0.0.1 with a throwaway SQLite file): polling with ETag/304, SSE-driven
// updates, heartbeats and events recorded, recovery after a restart, invalid
// datafiles ignored, and a Node process that exits after close().
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { OpenFeature, ProviderEvents } from '@openfeature/web-sdk';
import { createClient } from '../dist/index.js';
import { HalyardProvider } from '../dist/openfeature.js';
import { seedOrganization, startControlPlane } from '../test-support/control-plane.mjs';
import { startFaultProxy } from '../test-support/fault-proxy.mjs';
import { nextEvent, recordingFetch, waitFor } from '../test-support/wait.mjs';

let cp;
let org;
const clients = [];

/** A client that the suite closes even when a test fails half-way. */
function client(options) {
  const c = createClient({ sdkKey: org.sdkKey, baseUrl: cp.baseUrl, context: { key: 'user-1' }, ...options });
  clients.push(c);
  return c;
}

before(async () => {
  cp = await startControlPlane();
  org = await seedOrganization(cp);
  for (const key of ['poll_flag', 'stream_flag', 'restart_flag', 'proxy_flag', 'events_flag', 'of_flag']) await org.createBooleanFlag(key);
  await org.createEvent('purchase', 'NUMERIC');
  await org.setEnabled('poll_flag', false);
});

after(async () => {
  await OpenFeature.close();
  await Promise.all(clients.map((c) => c.close()));
  await cp?.dispose();
});

test('the datafile endpoint answers the contract: ETag, 304, CORS, cache headers', async () => {
  const url = `${cp.baseUrl}/api/sdk/datafile/${org.sdkKey}`;
  const first = await fetch(url);
  assert.equal(first.status, 200);
  const etag = first.headers.get('etag');
  assert.match(etag, /^"/, 'a strong, quoted ETag');
  assert.equal(first.headers.get('access-control-allow-origin'), '*');
  assert.match(first.headers.get('cache-control'), /max-age=/);
  const datafile = await first.json();
  assert.equal(datafile.schemaVersion, 1);
  const again = await fetch(url, { headers: { 'if-none-match': etag } });
  assert.equal(again.status, 304);
  const unknown = await fetch(`${cp.baseUrl}/api/sdk/datafile/sdk-unknown-key`);
  assert.equal(unknown.status, 404);
  assert.equal(typeof (await unknown.json()).error, 'string');
});

test('polls with If-None-Match, gets 304s, and picks up a toggle on the next poll', async () => {
  const network = recordingFetch();
  const c = client({ pollIntervalMs: 150, fetch: network.fetch, sendEvents: false });
  await c.ready(10_000);
  assert.equal(c.isEnabled('poll_flag'), false);
  await waitFor(() => network.log.filter((r) => r.status === 304).length >= 2, { message: 'two 304 polls' });
  const polls = network.log.filter((r) => r.path.startsWith('/api/sdk/datafile/'));
  assert.equal(polls[0].ifNoneMatch, null);
  assert.equal(polls[0].status, 200);
  for (const poll of polls.slice(1)) assert.equal(poll.ifNoneMatch, polls[0].etag, 'every later poll revalidates the ETag it has');

  const revision = c.stats().revision;
  const changed = nextEvent(c, 'change');
  await org.setEnabled('poll_flag', true);
  const change = await changed;
  assert.ok(change.flagKeys.includes('poll_flag'), JSON.stringify(change));
  assert.ok(change.revision > revision);
  assert.equal(c.isEnabled('poll_flag'), true);
  assert.equal(c.evaluate('poll_flag').reason, 'DEFAULT');
});

test('an SSE revision event triggers a refetch at once (no polling)', async () => {
  await org.setEnabled('stream_flag', false);
  const c = client({ stream: true, pollIntervalMs: 0, sendEvents: false });
  await c.ready(10_000);
  // Let the stream connect: its first revision event is the one we already have.
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(c.isEnabled('stream_flag'), false);
  const changed = nextEvent(c, 'change', 5_000);
  const toggledAt = Date.now();
  await org.setEnabled('stream_flag', true);
  const change = await changed;
  const latency = Date.now() - toggledAt;
  assert.ok(change.flagKeys.includes('stream_flag'));
  assert.equal(c.isEnabled('stream_flag'), true);
  assert.ok(latency < 2_000, `update took ${latency} ms`);
});

test('a heartbeat is recorded after the fetch, with the SDK type and version', async () => {
  const c = client({ pollIntervalMs: 0, sendEvents: false });
  await c.ready(10_000);
  const sdks = await waitFor(
    async () => {
      const list = await org.get(`/environments/production/sdks`);
      return list.find((s) => s.sdkType === '@halyard/sdk') ? list : null;
    },
    { message: 'a heartbeat from @halyard/sdk' },
  );
  const entry = sdks.find((s) => s.sdkType === '@halyard/sdk');
  assert.equal(entry.sdkVersion, '0.1.0');
});

test('impressions, counts and track events are recorded by the control plane', async () => {
  await org.setEnabled('events_flag', true);
  const network = recordingFetch();
  const c = client({ pollIntervalMs: 0, flushIntervalMs: 0, fetch: network.fetch, context: { key: 'buyer-1' } });
  await c.ready(10_000);
  const errors = [];
  c.on('error', (error) => errors.push(error.message));
  for (let i = 0; i < 3; i++) assert.equal(c.isEnabled('events_flag'), true);
  c.track('purchase', 42);
  await c.flush();
  assert.deepEqual(errors, []);
  const posts = network.log.filter((r) => r.path === '/api/sdk/events');
  assert.equal(posts.length, 1);
  assert.equal(posts[0].status, 202);
  assert.equal(c.stats().queuedEvents, 0);
  const { on } = await org.results('events_flag');
  assert.deepEqual([on.evaluations, on.impressions, on.exposedUsers], [3, 1, 1]);
  assert.deepEqual([on.events.purchase.convertedUsers, on.events.purchase.conversions, on.events.purchase.mean], [1, 1, 42]);
});

test('keeps serving the last good datafile while the server is down, and recovers when it is back', async () => {
  await org.setEnabled('restart_flag', true);
  const c = client({ pollIntervalMs: 200, stream: true, flushIntervalMs: 0 });
  await c.ready(10_000);
  assert.equal(c.isEnabled('restart_flag'), true);
  const errors = [];
  c.on('error', (error) => errors.push(error));

  await cp.stop();
  await waitFor(() => errors.some((e) => e.kind === 'datafile') && errors.some((e) => e.kind === 'stream'), { message: 'datafile and stream errors' });
  const during = c.evaluate('restart_flag');
  assert.deepEqual([during.value, during.reason, during.errorCode], [true, 'DEFAULT', null], 'the last good datafile still answers');
  c.track('purchase', 1);
  await c.flush();
  assert.equal(c.stats().queuedEvents >= 1, true, 'undeliverable events stay queued');

  await cp.start();
  const changed = nextEvent(c, 'change', 20_000);
  await org.setEnabled('restart_flag', false);
  await changed;
  assert.equal(c.isEnabled('restart_flag'), false);
  await c.flush();
  assert.equal(c.stats().queuedEvents, 0, 'queued events were delivered after the restart');
});

test('an invalid datafile (captive portal page, unknown schema) is ignored; the next good one is used', async () => {
  await org.setEnabled('proxy_flag', false);
  const proxy = await startFaultProxy(cp.baseUrl);
  try {
    const c = client({ baseUrl: proxy.baseUrl, pollIntervalMs: 150, sendEvents: false });
    await c.ready(10_000);
    const revision = c.stats().revision;
    const errors = [];
    c.on('error', (error) => errors.push(error));
    for (const mode of ['html', 'schema']) {
      proxy.mode = mode;
      errors.length = 0;
      await org.setEnabled('proxy_flag', mode === 'html');
      await waitFor(() => errors.some((e) => /invalid datafile/.test(e.message)), { message: `an invalid-datafile error (${mode})` });
      assert.equal(c.stats().revision, revision, 'the last good revision stays in use');
      assert.equal(c.isEnabled('proxy_flag'), false);
    }
    proxy.mode = 'pass';
    await waitFor(() => c.stats().revision > revision, { message: 'the good datafile after the proxy recovered' });
    assert.equal(c.isEnabled('proxy_flag'), false, 'the latest good revision (toggled off last) is served');
    assert.ok(proxy.damaged >= 2);
  } finally {
    await proxy.close();
  }
});

test('a Node process exits by itself after close(), having sent its events', async () => {
  const script = fileURLToPath(new URL('../test-support/exit-check.mjs', import.meta.url));
  const started = Date.now();
  const child = spawn(process.execPath, [script, cp.baseUrl, org.sdkKey], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const code = await new Promise((resolve) => child.on('exit', resolve));
  assert.equal(code, 0, output);
  assert.match(output, /closed/);
  assert.ok(Date.now() - started < 8_000, `the process took ${Date.now() - started} ms to exit`);
  const report = JSON.parse(output.split('\n').find((line) => line.startsWith('{')));
  assert.equal(report.eventsAccepted, true, output);
});

test('the OpenFeature provider reports a toggle as PROVIDER_CONFIGURATION_CHANGED', async () => {
  await OpenFeature.setContext({ targetingKey: 'of-user' });
  await OpenFeature.setProviderAndWait(new HalyardProvider({ sdkKey: org.sdkKey, baseUrl: cp.baseUrl, stream: true, pollIntervalMs: 0 }));
  const of = OpenFeature.getClient();
  assert.deepEqual([of.getBooleanValue('of_flag', true), of.getBooleanDetails('of_flag', true).reason], [false, 'DISABLED']);
  await new Promise((resolve) => setTimeout(resolve, 300)); // the stream's first event
  const changed = new Promise((resolve) => of.addHandler(ProviderEvents.ConfigurationChanged, resolve));
  await org.setEnabled('of_flag', true);
  const details = await changed;
  assert.ok(details.flagsChanged.includes('of_flag'), JSON.stringify(details));
  assert.deepEqual([of.getBooleanValue('of_flag', false), of.getBooleanDetails('of_flag', false).variant], [true, 'on']);
});
