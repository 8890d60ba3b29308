// The README's connected examples, executed against a running control plane:
// Node, Deno, a Cloudflare worker in workerd, and a browser page in Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { withBrowser } from '../test-support/browser.mjs';
import { seedOrganization, startControlPlane } from '../test-support/control-plane.mjs';
import { startWorker } from '../test-support/workerd.mjs';

const run = promisify(execFile);
const SDK = fileURLToPath(new URL('..', import.meta.url));
const example = (name) => path.join(SDK, 'examples', name);
const scratch = mkdtempSync(path.join(os.tmpdir(), 'halyard-examples-'));
let cp;
let org;

before(async () => {
  cp = await startControlPlane();
  org = await seedOrganization(cp);
  await org.createBooleanFlag('new_checkout');
  await org.setEnabled('new_checkout', true);
});

after(async () => {
  await cp?.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

test('examples/node.mjs reads the flag and exits after close()', async () => {
  const env = { ...process.env, HALYARD_BASE_URL: cp.baseUrl, HALYARD_SDK_KEY: org.sdkKey };
  const { stdout, stderr } = await run(process.execPath, [example('node.mjs')], { env, timeout: 15_000 });
  assert.equal(stdout, 'new_checkout: true\n');
  assert.equal(stderr, '');
});

test('examples/deno.mjs runs in Deno (npm:@halyard/sdk mapped to this build)', async () => {
  const importMap = path.join(scratch, 'import-map.json');
  writeFileSync(importMap, JSON.stringify({ imports: { 'npm:@halyard/sdk': path.join(SDK, 'dist', 'index.js') } }));
  const deno = path.join(SDK, 'node_modules', '.bin', 'deno');
  const args = ['run', '--no-prompt', `--import-map=${importMap}`, `--allow-read=${SDK}`, `--allow-net=127.0.0.1:${cp.port}`, example('deno.mjs'), cp.baseUrl, org.sdkKey];
  const env = { ...process.env, DENO_DIR: path.join(scratch, 'deno-dir'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' };
  const { stdout } = await run(deno, args, { env, timeout: 30_000 });
  assert.equal(stdout, 'new_checkout: true\n');
});

test('examples/cloudflare-worker.mjs serves by flag in workerd, and defaults when Halyard is unreachable', async () => {
  const worker = await startWorker({ worker: example('cloudflare-worker.mjs'), text: { HALYARD_BASE_URL: cp.baseUrl, HALYARD_SDK_KEY: org.sdkKey } });
  try {
    const response = await fetch(worker.origin, { headers: { 'x-user-id': 'user-42' } });
    assert.equal(await response.text(), 'Welcome (new checkout)\n');
  } finally {
    await worker.stop();
  }
  const offline = await startWorker({ worker: example('cloudflare-worker.mjs'), text: { HALYARD_BASE_URL: 'http://127.0.0.1:9', HALYARD_SDK_KEY: org.sdkKey } });
  try {
    assert.equal(await (await fetch(offline.origin)).text(), 'Welcome (classic checkout)\n');
  } finally {
    await offline.stop();
  }
});

test('examples/browser.html renders by flag in Chromium', async () => {
  // The two constants a user edits are the only change made to the page.
  const source = readFileSync(example('browser.html'), 'utf8');
  const page = source.replace("'http://127.0.0.1:8080'", JSON.stringify(cp.baseUrl)).replace("'sdk_replace_me'", JSON.stringify(org.sdkKey));
  assert.notEqual(page, source);
  writeFileSync(path.join(scratch, 'index.html'), page);
  await withBrowser(
    async ({ page: tab, origin, pageErrors }) => {
      await tab.goto(`${origin}/site/index.html`);
      await tab.waitForFunction(() => document.getElementById('checkout').dataset.variant);
      assert.equal(await tab.getAttribute('#checkout', 'data-variant'), 'new');
      assert.equal(await tab.textContent('#banner'), 'Welcome');
      assert.deepEqual(pageErrors, []);
    },
    { '/site/node_modules/@halyard/sdk/dist/': path.join(SDK, 'dist'), '/site/': scratch },
  );
});
