// The `edge` entry inside workerd (Cloudflare's runtime, npm `workerd`): a
// worker given the engine as a compiled WebAssembly.Module evaluates from a
// bootstrap datafile and from a running control plane.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { seedOrganization, startControlPlane } from '../test-support/control-plane.mjs';
import { sampleDatafile } from '../test-support/datafile.mjs';
import { waitFor } from '../test-support/wait.mjs';
import { startWorker } from '../test-support/workerd.mjs';

let cp;
let org;
let worker;

before(async () => {
  cp = await startControlPlane();
  org = await seedOrganization(cp);
  await org.createBooleanFlag('edge_flag');
  await org.setEnabled('edge_flag', true);
  worker = await startWorker({ datafile: sampleDatafile(3), text: { BASE_URL: cp.baseUrl, SDK_KEY: org.sdkKey } });
});

after(async () => {
  await worker?.stop();
  await cp?.dispose();
});

async function get(path) {
  const response = await fetch(`${worker.origin}${path}`);
  const body = await response.json();
  assert.equal(response.status, 200, JSON.stringify(body));
  return body;
}

test('a worker evaluates a bootstrap datafile with a precompiled module', async () => {
  const body = await get('/bootstrap?key=edge-user&plan=beta');
  assert.equal(body.wasmIsModule, true);
  assert.equal(body.revision, 3);
  assert.equal(body.isEnabled, true);
  assert.deepEqual(body.all.new_checkout, {
    flagKey: 'new_checkout',
    value: true,
    variation: 'on',
    reason: 'TARGETING_MATCH',
    ruleId: 'rule_beta',
    errorCode: null,
    versionSufficient: null,
    dateReached: null,
  });
  const free = await get('/bootstrap?key=edge-user');
  assert.equal(free.all.new_checkout.reason, 'DEFAULT');
});

test('a worker fetches the datafile from the control plane and follows a toggle', async () => {
  const on = await get('/live?flag=edge_flag');
  assert.equal(on.isEnabled, true);
  assert.equal(on.all.edge_flag.reason, 'DEFAULT');
  await org.setEnabled('edge_flag', false);
  const off = await get('/live?flag=edge_flag');
  assert.equal(off.isEnabled, false);
  assert.equal(off.all.edge_flag.reason, 'DISABLED');
  assert.ok(off.revision > on.revision);
});

test('the worker heartbeat is recorded as @halyard/sdk/edge', async () => {
  await get('/live?flag=edge_flag');
  await waitFor(
    async () => (await org.get('/environments/production/sdks')).some((s) => s.sdkType === '@halyard/sdk/edge'),
    { message: 'a heartbeat from @halyard/sdk/edge' },
  );
});
